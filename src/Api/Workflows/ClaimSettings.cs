namespace PointsEngine.Api.Workflows;

/// The "Claims" configuration section: how large a claim's attachments may be.
public sealed class ClaimSettings
{
    public const string Section = "Claims";

    /// One attachment at most this many bytes (a phone photo is 2–5 MB).
    public long MaxAttachmentBytes { get; set; } = 8 * 1024 * 1024;

    /// All of one claim's attachments together at most this many bytes.
    public long MaxClaimBytes { get; set; } = 20 * 1024 * 1024;

    /// At most this many attachments on one claim.
    public int MaxAttachments { get; set; } = 10;

    /// The request body a claim upload may have: its attachments (base64 in JSON is 4/3 larger), one
    /// attachment over the limit (so the answer can name it) and room for the form's other fields.
    public long MaxRequestBytes => (MaxClaimBytes + MaxAttachmentBytes) * 4 / 3 + 1024 * 1024;
}
