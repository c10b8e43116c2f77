using System.Security.Cryptography;
using System.Text;
using PointsEngine.Api.Hosting;

namespace PointsEngine.Api.Access;

/// The secret that signs bearer tokens. `Auth:SigningKey` in configuration wins (PostgreSQL deployments
/// with several processes set it there); otherwise the key lives in a file beside the SQLite database
/// (`Auth:KeyFile` to put it elsewhere), created on first use with owner-only permissions (0600).
/// The key itself is never logged: only where it came from.
public sealed class SigningKey
{
    public const int MinimumLength = 32;
    public const string FileName = "signing.key";

    private SigningKey(byte[] bytes, string source)
    {
        Bytes = bytes;
        Source = source;
    }

    public byte[] Bytes { get; }

    /// "configuration (Auth:SigningKey)" or the key file's path: safe to log.
    public string Source { get; }

    public bool CreatedNow { get; private init; }

    public static SigningKey FromText(string text, string source)
    {
        if (text.Length < MinimumLength)
            throw new InvalidOperationException($"The signing key from {source} is shorter than {MinimumLength} characters; use a long random secret.");
        return new SigningKey(Encoding.UTF8.GetBytes(text), source);
    }

    public static string KeyFilePath(IConfiguration configuration)
    {
        if (configuration["Auth:KeyFile"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        var store = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
        var directory = store.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(Path.GetFullPath(store.Path))!
            : Path.GetFullPath("data");
        return Path.Combine(directory, FileName);
    }

    /// The configured key, else the key file's, else a new random key written to the key file.
    public static SigningKey LoadOrCreate(IConfiguration configuration)
    {
        if (configuration["Auth:SigningKey"] is { Length: > 0 } configured)
            return FromText(configured, "configuration (Auth:SigningKey)");

        var path = KeyFilePath(configuration);
        if (File.Exists(path)) return FromText(File.ReadAllText(path).Trim(), path);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(path, options))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(text);
            }
            return new SigningKey(Encoding.UTF8.GetBytes(text), path) { CreatedNow = true };
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (serve and init-admin started together) created it first: use theirs.
            return FromText(File.ReadAllText(path).Trim(), path);
        }
    }
}
