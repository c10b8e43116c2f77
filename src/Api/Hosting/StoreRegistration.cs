using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Hosting;

public static class StoreRegistration
{
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IEventStore>(sp =>
        {
            var settings = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
            return settings.Provider.ToLowerInvariant() switch
            {
                "sqlite" => SqliteEventStore.OpenAsync(new SqliteStoreOptions(settings.Path)).GetAwaiter().GetResult(),
                "postgres" => Warn(PostgresEventStore.OpenAsync(new PostgresStoreOptions(
                    settings.ConnectionString ?? throw new InvalidOperationException(
                        "Store:Provider is 'postgres' but Store:ConnectionString is not set."))).GetAwaiter().GetResult(), sp),
                var other => throw new InvalidOperationException(
                    $"Store:Provider '{other}' is not known; use 'sqlite' or 'postgres'."),
            };
        });
        services.AddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<IEventStore>() switch
        {
            SqliteEventStore s => new SqliteCheckpointStore(s),
            PostgresEventStore p => new PostgresCheckpointStore(p),
            var other => throw new InvalidOperationException($"No checkpoint store for {other.GetType().Name}."),
        });
        // Password hashes and the sign-in lockout (#18), in side tables of the same database.
        services.AddSingleton<ICredentialStore>(sp => sp.GetRequiredService<IEventStore>() switch
        {
            SqliteEventStore s => new SqliteCredentialStore(s),
            PostgresEventStore p => new PostgresCredentialStore(p),
            var other => throw new InvalidOperationException($"No credential store for {other.GetType().Name}."),
        });
        return services;
    }

    /// A server that does not flush (fsync or full_page_writes off) is its administrator's choice, e.g. a
    /// throwaway test server; the store still opens, and says so at every start (#16 item 3.1).
    private static PostgresEventStore Warn(PostgresEventStore store, IServiceProvider services)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PostgresEventStore));
        foreach (var warning in store.WriterSettings.Warnings) log.LogWarning("Durability: {Warning}", warning);
        return store;
    }
}
