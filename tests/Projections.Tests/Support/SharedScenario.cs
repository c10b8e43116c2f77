namespace PointsEngine.Projections.Tests.Support;

/// One scenario built on first use and shared by a test class's tests (they only read), disposed
/// with the class.
public sealed class SharedScenario : IAsyncLifetime
{
    private readonly Lock _lock = new();
    private Task<Scenario>? _scenario;

    public Task<Scenario> GetAsync(Func<Task<Scenario>> build)
    {
        lock (_lock) return _scenario ??= build();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_scenario is { IsCompletedSuccessfully: true } s) await (await s).DisposeAsync();
    }
}
