namespace PointsEngine.Store;

/// Wakes live subscriptions in this process as soon as a commit lands, instead of waiting for their poll.
public sealed class AppendSignal
{
    private TaskCompletionSource _next = NewSource();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// Completes at the next commit. Take it before reading, so a commit between the read and the wait
    /// is not missed.
    public Task NextCommit => Volatile.Read(ref _next).Task;

    /// Returns when <paramref name="nextCommit"/> completes or the timeout passes, whichever comes first.
    public static async Task WaitAsync(Task nextCommit, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await nextCommit.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A poll: writers in other processes do not signal us.
        }
    }
}
