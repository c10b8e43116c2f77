namespace PointsEngine.Api.Commands;

/// What a script can rely on (docs/CLI.md, README): the same number always means the same outcome.
public static class ExitCodes
{
    /// Done; nothing was wrong.
    public const int Ok = 0;

    /// The command ran and found problems: rows rejected by an import, a broken chain or read models that
    /// differ from a rebuild, an invalid rule set, a conflict with what is recorded.
    public const int Problems = 1;

    /// The command line is wrong: an unknown option, a missing argument, a file that cannot be read.
    public const int Usage = 2;

    /// The store could not be opened or written (a wrong path, PostgreSQL unreachable).
    public const int StoreUnavailable = 3;

    /// An unexpected failure (a bug): the message says what, nothing half-written was left behind.
    public const int Failed = 4;

    /// Stopped by Ctrl+C before the end (re-running an import is safe).
    public const int Cancelled = 130;
}

/// A usage problem found after parsing (a file that does not exist, options that exclude each other).
public sealed class UsageException(string zh, string en) : Exception($"{zh} / {en}")
{
    public string Zh { get; } = zh;
    public string En { get; } = en;
}
