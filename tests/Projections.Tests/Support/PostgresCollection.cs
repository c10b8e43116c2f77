using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Support;

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
