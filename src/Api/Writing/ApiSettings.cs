namespace PointsEngine.Api.Writing;

/// The "Api" configuration section.
public sealed class ApiSettings
{
    public const string Section = "Api";

    /// Request bodies above this are refused with 413 (a 2,000-member meeting is about 150 KB).
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// How long `?wait=true` waits for scoring before answering with "scored": false.
    public double WaitSeconds { get; set; } = 10;

    /// Writes are refused with 503 + Retry-After while scoring lags this many log positions behind the
    /// head (back-pressure instead of an unbounded backlog). 0 turns the check off.
    public long MaxScoringBacklog { get; set; } = 100_000;

    /// Appends waiting for the store at once; one more is refused with 503 + Retry-After (a stalled
    /// database then costs a bounded amount of memory, not one buffered request per client).
    public int MaxWritesInFlight { get; set; } = 1_024;

    /// How long a write waits for the store to confirm its append before answering 503 + Retry-After.
    public double AppendTimeoutSeconds { get; set; } = 30;
}
