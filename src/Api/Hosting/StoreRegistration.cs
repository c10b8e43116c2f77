using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Hosting;

public static class StoreRegistration
{
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IEventStore>(_ =>
        {
            var settings = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
            return settings.Provider.ToLowerInvariant() switch
            {
                "sqlite" => SqliteEventStore.OpenAsync(new SqliteStoreOptions(settings.Path)).GetAwaiter().GetResult(),
                "postgres" => PostgresEventStore.OpenAsync(new PostgresStoreOptions(
                    settings.ConnectionString ?? throw new InvalidOperationException(
                        "Store:Provider is 'postgres' but Store:ConnectionString is not set."))).GetAwaiter().GetResult(),
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
        return services;
    }
}
