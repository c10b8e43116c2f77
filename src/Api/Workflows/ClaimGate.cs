using System.Collections.Concurrent;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Workflows;

/// One claim submission per member at a time in this process, so submissions sent at once are checked
/// against the quota one after the other instead of failing each other's expected revision (#16 finding 2.5).
/// Across processes the expected revision alone keeps the quota.
public sealed class ClaimGate
{
    private readonly ConcurrentDictionary<MemberId, SemaphoreSlim> _gates = new();

    public async Task<T> RunAsync<T>(MemberId member, Func<Task<T>> submit, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(member, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await submit().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
