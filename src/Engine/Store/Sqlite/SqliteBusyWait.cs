using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace PointsEngine.Store.Sqlite;

/// How a connection waits for a lock another connection holds (the group commit, a checkpoint save, a
/// projection batch, another process). The e_sqlite3 we can restore (SQLitePCLRaw 2.0.6, SQLite 3.35.5) is
/// built without HAVE_USLEEP, so `PRAGMA busy_timeout` sleeps a whole second per retry: a lock released
/// after 45 ms cost its waiter 1,000 ms (measured), which was the 1–3 s stalls behind the HTTP p99 (#7).
/// This handler retries every millisecond until the deadline instead. SQLitePCLRaw 2.0.6 does not expose
/// sqlite3_busy_handler, so it is bound from the same native library the provider loads.
internal static partial class SqliteBusyWait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    [ThreadStatic] private static long t_waitingSince;
    [ThreadStatic] private static int t_retries;

    /// Retries this thread has waited through so far: tests tell this handler from SQLite's by it.
    internal static int RetriesOnThisThread => t_retries;

    /// Replaces the connection's busy handler (and any `PRAGMA busy_timeout`, which is one too). A pooled
    /// connection keeps it; installing it again on every open is one native call.
    public static unsafe void Install(SqliteConnection connection, TimeSpan timeout)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = sqlite3_busy_handler(db.DangerousGetHandle(), &Wait, (nint)Math.Max(0, (long)timeout.TotalMilliseconds));
        if (rc != 0) throw new InvalidOperationException($"sqlite3_busy_handler failed with {rc}.");
    }

    [LibraryImport("e_sqlite3")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe partial int sqlite3_busy_handler(nint db, delegate* unmanaged[Cdecl]<nint, int, int> handler, nint timeoutMs);

    /// SQLite calls this with count 0 at the start of each wait, on the waiting thread, and retries the lock
    /// when it returns non-zero; zero gives up with SQLITE_BUSY. Must never throw (it runs under native code).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Wait(nint timeoutMs, int count)
    {
        if (count == 0) t_waitingSince = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(t_waitingSince).TotalMilliseconds >= timeoutMs) return 0;
        Thread.Sleep(1);
        t_retries++;
        return 1;
    }
}
