using Xunit;

namespace PointsEngine.TestSupport;

/// One throwaway PostgreSQL server shared by a test collection. xunit only finds collection definitions
/// in the test assembly itself, so each test project that uses this adds:
///
///     [CollectionDefinition(PostgresFixture.Collection)]
///     public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
///
/// and marks its test classes [Collection(PostgresFixture.Collection)].
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string Collection = "postgres";

    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    public Task<string> CreateDatabaseAsync(string? prefix = null) => Server.CreateDatabaseAsync(prefix);

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
