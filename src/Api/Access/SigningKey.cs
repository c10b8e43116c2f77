using System.Security.Cryptography;
using System.Text;
using PointsEngine.Api.Hosting;

namespace PointsEngine.Api.Access;

/// The secret that signs bearer tokens. `Auth:SigningKey` in configuration wins (PostgreSQL deployments
/// with several processes set it there); otherwise the key lives in a file OUTSIDE the data directory
/// (#18: a copy or backup of the data must not carry the key that signs tokens for it): `Auth:KeyFile`,
/// by default `pointsengine/signing.key` under the server user's configuration directory
/// ($XDG_CONFIG_HOME, else ~/.config). It is created on first use with owner-only permissions (0600), and
/// the server refuses a key file that group or others may read. A key left beside the database by an
/// earlier version is still used (and its place logged) until it is moved.
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

    /// `Auth:KeyFile`, else `pointsengine/signing.key` in the user's configuration directory.
    public static string KeyFilePath(IConfiguration configuration) =>
        configuration["Auth:KeyFile"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "pointsengine", FileName);

    /// The directory of the SQLite database (`data` for PostgreSQL): where the data lives, and where versions
    /// before #18 kept the key.
    public static string DataDirectory(IConfiguration configuration)
    {
        var store = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
        return store.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(Path.GetFullPath(store.Path))!
            : Path.GetFullPath("data");
    }

    /// The configured key, else the key file's, else a new random key written to the key file.
    public static SigningKey LoadOrCreate(IConfiguration configuration)
    {
        if (configuration["Auth:SigningKey"] is { Length: > 0 } configured)
            return FromText(configured, "configuration (Auth:SigningKey)");

        var path = KeyFilePath(configuration);
        // A key beside the data (versions before #18) signed this data's tokens and links: it wins over a key
        // in the user's configuration directory, which another installation of the same user may have made.
        var earlier = Path.Combine(DataDirectory(configuration), FileName);
        if (configuration["Auth:KeyFile"] is not { Length: > 0 } && File.Exists(earlier))
        {
            var key = Read(earlier);
            return new SigningKey(key.Bytes, $"{earlier} (beside the data; move it to {path})");
        }
        if (File.Exists(path)) return Read(path);

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
            return Read(path);
        }
    }

    /// A key file's key, refused when group or others may read or write it: whoever reads it can sign
    /// tokens for any account.
    private static SigningKey Read(string path)
    {
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & others) != 0)
            throw new SigningKeyExposedException(path);
        return FromText(File.ReadAllText(path).Trim(), path);
    }
}

/// The server does not start with a key file others can read; the message says how to fix it.
public sealed class SigningKeyExposedException(string path) : InvalidOperationException(
    $"签名密钥文件 {path} 可被其他用户读取，服务器拒绝启动。请执行 chmod 600 {path}（仅限运行服务器的用户读写）后重新启动。 / " +
    $"The signing key file {path} is readable by group or others, so the server refuses to start. Run chmod 600 {path} " +
    "(read and write for the server's user only) and start again.")
{
    public string Path { get; } = path;
}
