using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using PointsEngine.Store;

namespace PointsEngine.Api.Access.Accounts;

/// Password hashes (ASP.NET Core Identity's PasswordHasher: PBKDF2-HMAC-SHA512, 100,000 iterations, salted)
/// kept OUT of the hash-chained log, in a side table of the event store's own database
/// (<see cref="ICredentialStore"/>), so every process on one database shares them. The log's
/// AccountActivated/PasswordChanged carry only the SHA-256 of the hash ("stamp"): an export of the log gives
/// nothing to attack, and a hash is used only while the log names its stamp as the account's current one.
/// Passwords and hashes are never logged.
public sealed class Credentials(ICredentialStore store)
{
    /// The side file session 7 kept hashes in; moved into the store on start (<see cref="MigrateFileAsync"/>).
    public const string FileName = "credentials.json";

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Nobody = new();
    // A hash to check unknown login names against, so they cost the same time as known ones.
    private static readonly string Decoy = Hasher.HashPassword(Nobody, "decoy-" + AccountBook.NewSecret());

    /// Hashes the password and keeps the hash under its stamp, which the log then records; the hash is of
    /// use only once the log says it is an account's current one, so a step refused after this changes nothing.
    public async Task<string> AddAsync(string password, CancellationToken ct)
    {
        var hash = Hasher.HashPassword(Nobody, password);
        var stamp = AccountBook.Stamp(hash);
        await store.PutHashAsync(stamp, hash, ct).ConfigureAwait(false);
        return stamp;
    }

    /// Forgets a hash no account uses any more: the password a new one replaced, or one whose step was
    /// refused. One stamp at a time, so a password another request is setting meanwhile is never swept away.
    public Task ForgetAsync(string? stamp, CancellationToken ct) => stamp is null ? Task.CompletedTask : store.ForgetHashAsync(stamp, ct);

    /// Whether the password is the one whose stamp the log holds as the account's current one (and the kept
    /// hash really has that stamp). Costs one PBKDF2 whether or not there is such a hash.
    public async Task<bool> VerifyAsync(string? stamp, string password, CancellationToken ct)
    {
        var hash = stamp is null ? null : await store.FindHashAsync(stamp, ct).ConfigureAwait(false);
        var usable = hash is not null && AccountBook.Stamp(hash) == stamp;
        var result = Hasher.VerifyHashedPassword(Nobody, usable ? hash! : Decoy, password);
        return usable && result != PasswordVerificationResult.Failed;
    }

    /// Burns the time of one check (an unknown login name), so timing does not tell names apart.
    public static void VerifyNobody(string password) => Hasher.VerifyHashedPassword(Nobody, Decoy, password);

    /// Where session 7 kept the side file: `Auth:CredentialsFile`, else in the data directory (where the signing key also was then).
    public static string LegacyFilePath(IConfiguration configuration) =>
        configuration["Auth:CredentialsFile"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(SigningKey.DataDirectory(configuration), FileName);

    /// Moves the hashes of an existing side file into the store (each only if its stamp matches, as the file
    /// kept them), then renames the file to "….migrated" so it is not read again and an administrator can
    /// delete it. Returns how many hashes were moved; 0 when there is no file. Safe to run on several
    /// processes at once: a hash already there is left as it is.
    public async Task<int> MigrateFileAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) return 0;
        Dictionary<string, string> hashes;
        await using (var file = File.OpenRead(path))
            hashes = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(file, cancellationToken: ct).ConfigureAwait(false) ?? [];
        var moved = 0;
        foreach (var (stamp, hash) in hashes)
        {
            if (AccountBook.Stamp(hash) != stamp) continue;
            await store.PutHashAsync(stamp, hash, ct).ConfigureAwait(false);
            moved++;
        }
        File.Move(path, path + ".migrated", overwrite: true);
        return moved;
    }
}

/// Moves a session-7 credentials.json into the store when the server starts (#18).
public sealed class CredentialFileMigration(Credentials credentials, IConfiguration configuration, ILogger<CredentialFileMigration> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = Credentials.LegacyFilePath(configuration);
        var moved = await credentials.MigrateFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (moved > 0)
            log.LogInformation("Password hashes: {Count} moved from {Path} into the store's credentials table; the file is now {Path}.migrated and may be deleted.", moved, path, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
