using PointsEngine.Store;
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
                var other => throw new InvalidOperationException(
                    $"Store:Provider '{other}' is not known; use 'sqlite' or 'postgres'."),
            };
        });
        return services;
    }
}
