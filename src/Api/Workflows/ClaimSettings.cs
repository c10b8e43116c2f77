namespace PointsEngine.Api.Workflows;

/// The "Claims" configuration section: how large a claim's attachments may be, and how much one member
/// may submit (#16 finding 2.5: 84 MiB in 1.2 s filled the disk). The quotas protect the server's disk and
/// depend on it, so they are the host's configuration, not an organisation rule (docs/RELIABILITY.md).
public sealed class ClaimSettings
{
    public const string Section = "Claims";

    /// One attachment at most this many bytes (a phone photo is 2–5 MB).
    public long MaxAttachmentBytes { get; set; } = 8 * 1024 * 1024;

    /// All of one claim's attachments together at most this many bytes.
    public long MaxClaimBytes { get; set; } = 20 * 1024 * 1024;

    /// At most this many attachments on one claim.
    public int MaxAttachments { get; set; } = 10;

    /// At most this many of one member's claims wait for a decision at once (429 beyond).
    public int MaxPendingClaims { get; set; } = 20;

    /// One member's attachments, all claims together, at most this many bytes per <see cref="QuotaPeriodHours"/> (413 beyond).
    public long MaxMemberBytesPerPeriod { get; set; } = 50L * 1024 * 1024;

    /// The rolling period of <see cref="MaxMemberBytesPerPeriod"/>, by the time the store recorded each claim.
    public double QuotaPeriodHours { get; set; } = 24;

    /// At most this many claim submissions per account per <see cref="RateWindowSeconds"/>, refused with
    /// 429 before the body is read (ASP.NET Core's rate limiter, partitioned by the signed-in account).
    public int SubmissionsPerWindow { get; set; } = 10;

    public int RateWindowSeconds { get; set; } = 60;

    /// The request body a claim upload may have: its attachments (base64 in JSON is 4/3 larger), one
    /// attachment over the limit (so the answer can name it) and room for the form's other fields.
    public long MaxRequestBytes => (MaxClaimBytes + MaxAttachmentBytes) * 4 / 3 + 1024 * 1024;
}
