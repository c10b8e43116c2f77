using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace PointsEngine.Api.Access.Accounts;

/// Password hashes (ASP.NET Core Identity's PasswordHasher: PBKDF2-HMAC-SHA512, 100,000 iterations, salted)
/// kept OUT of the hash-chained log, in a side file readable by the server's user only (0600, beside the
/// database by default; `Auth:CredentialsFile` to move it). The log's AccountActivated/PasswordChanged
/// carry only the SHA-256 of the hash, so an export of the log gives nothing to attack, and a side file
/// restored from an older backup is noticed (its hash no longer matches the log) rather than trusted.
/// Passwords and hashes are never logged.
public sealed class Credentials
{
    public const string FileName = "credentials.json";

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Nobody = new();
    // A hash to check unknown login names against, so they cost the same time as known ones.
    private static readonly string Decoy = Hasher.HashPassword(Nobody, "decoy-" + AccountBook.NewSecret());

    private readonly string _path;
    private readonly Lock _lock = new();
    private ImmutableDictionary<string, string> _hashes;
    private DateTime _readAt;

    public Credentials(IConfiguration configuration)
    {
        _path = configuration["Auth:CredentialsFile"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(SigningKey.DataDirectory(configuration), FileName);
        _hashes = Read();
    }

    /// Hashes the password and keeps the hash under its stamp, which the log then records; the hash is of
    /// use only once the log says it is an account's current one, so a step refused after this changes nothing.
    public string Add(string password)
    {
        var hash = Hasher.HashPassword(Nobody, password);
        var stamp = AccountBook.Stamp(hash);
        Write(hashes => hashes.SetItem(stamp, hash));
        return stamp;
    }

    /// Forgets the hashes no account uses any more (replaced passwords, abandoned attempts).
    public void Keep(IEnumerable<string?> current)
    {
        var keep = current.OfType<string>().ToHashSet(StringComparer.Ordinal);
        Write(hashes => hashes.RemoveRange(hashes.Keys.Where(k => !keep.Contains(k))));
    }

    private void Write(Func<ImmutableDictionary<string, string>, ImmutableDictionary<string, string>> change)
    {
        lock (_lock)
        {
            var hashes = change(Read());
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temp, options))
                JsonSerializer.Serialize(file, hashes.ToDictionary(StringComparer.Ordinal));
            File.Move(temp, _path, overwrite: true);
            _hashes = hashes;
            _readAt = File.GetLastWriteTimeUtc(_path);
        }
    }

    /// Whether the password is the one whose stamp the log holds as the account's current one (and the kept
    /// hash really has that stamp). Costs one PBKDF2 whether or not there is such a hash.
    public bool Verify(string? stamp, string password)
    {
        string? hash;
        lock (_lock)
        {
            if (File.Exists(_path) && File.GetLastWriteTimeUtc(_path) != _readAt) _hashes = Read();
            hash = stamp is null ? null : _hashes.GetValueOrDefault(stamp);
        }
        var usable = hash is not null && stamp is not null && AccountBook.Stamp(hash) == stamp;
        var result = Hasher.VerifyHashedPassword(Nobody, usable ? hash! : Decoy, password);
        return usable && result != PasswordVerificationResult.Failed;
    }

    /// Burns the time of one check (an unknown login name), so timing does not tell names apart.
    public static void VerifyNobody(string password) => Hasher.VerifyHashedPassword(Nobody, Decoy, password);

    private ImmutableDictionary<string, string> Read()
    {
        if (!File.Exists(_path)) return ImmutableDictionary<string, string>.Empty;
        _readAt = File.GetLastWriteTimeUtc(_path);
        using var file = File.OpenRead(_path);
        return (JsonSerializer.Deserialize<Dictionary<string, string>>(file) ?? []).ToImmutableDictionary(StringComparer.Ordinal);
    }
}
