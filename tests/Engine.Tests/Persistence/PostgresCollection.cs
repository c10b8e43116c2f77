using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Persistence;

// One throwaway server for every PostgreSQL test of this assembly; each test makes its own database.
[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
