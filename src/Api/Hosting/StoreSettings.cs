namespace PointsEngine.Api.Hosting;

/// The "Store" configuration section. SQLite is the embedded default: no server to install.
public sealed class StoreSettings
{
    public const string Section = "Store";

    /// "sqlite" (default) or "postgres".
    public string Provider { get; set; } = "sqlite";

    /// The SQLite file, created on first start.
    public string Path { get; set; } = "data/points.db";

    /// The PostgreSQL connection string, when Provider is "postgres".
    public string? ConnectionString { get; set; }
}
