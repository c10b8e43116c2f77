using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PointsEngine.Store.Chain;

/// The stored fields of one event that its chain hash covers, exactly as the store holds them.
public sealed record ChainedFields(
    LogPosition Position,
    string Stream,
    long Revision,
    Guid EventId,
    string Type,
    string Data,
    long OccurredAtMicroseconds,
    long RecordedAtMicroseconds,
    string RecordedBy,
    Guid? CorrelationId,
    Guid? CausationId)
{
    /// The fields of an event about to be written at <paramref name="position"/>.
    public static ChainedFields Of(LogPosition position, StreamName stream, StreamRevision revision, EventData e, DateTimeOffset recordedAt) =>
        new(position, stream.Value, revision.Value, e.EventId, e.Type, e.Data,
            Timestamps.ToUnixMicroseconds(e.Metadata.OccurredAt), Timestamps.ToUnixMicroseconds(recordedAt),
            e.Metadata.RecordedBy, e.Metadata.CorrelationId, e.Metadata.CausationId);
}

/// Tamper evidence (issue #8, item 5): every event carries
///
///     hash(n) = SHA-256( hash(predecessor) || encode(n) )
///
/// where the predecessor is the previous existing event in position order (positions may have gaps)
/// and the first event's predecessor hash is 32 zero bytes. This class is the one definition of that
/// formula: the SQLite writer, both sealers and the verifier all call <see cref="Link"/>, so they
/// cannot disagree. It is also a stored format: changing a byte of it breaks every existing chain.
///
/// encode(n) is the eleven stored fields in this order, each as a 4-byte big-endian signed length
/// followed by that many bytes; length -1 (and no bytes) is a null:
///   position (int64 big-endian), stream (UTF-8), revision (int64), event_id (16 bytes, RFC 4122 order),
///   type (UTF-8), data (UTF-8), occurred_at (int64 unix microseconds, UTC), recorded_at (same),
///   recorded_by (UTF-8), correlation_id (16 bytes or null), causation_id (16 bytes or null).
/// Every field is length-prefixed, so no two different rows encode to the same bytes.
///
/// What a chain cannot catch on its own: anyone able to write SQL can also recompute the hashes (the
/// formula is public and unkeyed), and deleting the newest events leaves a shorter chain that is
/// perfectly valid. Both show only against a head recorded earlier outside the database (see
/// <see cref="ChainVerifyOptions.ExpectedHead"/>): the operator writes down the report's head, and a
/// later verify given it checks that the event there still carries that hash.
public static class EventChain
{
    public const int HashLength = 32;

    private static readonly byte[] GenesisHash = new byte[HashLength];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    [ThreadStatic] private static IncrementalHash? _sha;

    /// The predecessor hash of the first event: 32 zero bytes.
    public static ReadOnlySpan<byte> Genesis => GenesisHash;

    public static byte[] Link(ReadOnlySpan<byte> previous, ChainedFields fields)
    {
        if (previous.Length != HashLength)
            throw new ArgumentException($"A chain hash is {HashLength} bytes, not {previous.Length}.", nameof(previous));
        ArgumentNullException.ThrowIfNull(fields);
        var sha = _sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previous);
        AppendInt64(sha, fields.Position.Value);
        AppendText(sha, fields.Stream);
        AppendInt64(sha, fields.Revision);
        AppendUuid(sha, fields.EventId);
        AppendText(sha, fields.Type);
        AppendText(sha, fields.Data);
        AppendInt64(sha, fields.OccurredAtMicroseconds);
        AppendInt64(sha, fields.RecordedAtMicroseconds);
        AppendText(sha, fields.RecordedBy);
        AppendUuid(sha, fields.CorrelationId);
        AppendUuid(sha, fields.CausationId);
        return sha.GetHashAndReset();
    }

    private static void AppendLength(IncrementalHash sha, int length)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        sha.AppendData(prefix);
    }

    private static void AppendInt64(IncrementalHash sha, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        AppendLength(sha, bytes.Length);
        sha.AppendData(bytes);
    }

    private static void AppendUuid(IncrementalHash sha, Guid? value)
    {
        if (value is not { } id)
        {
            AppendLength(sha, -1);
            return;
        }
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        AppendLength(sha, bytes.Length);
        sha.AppendData(bytes);
    }

    private static void AppendText(IncrementalHash sha, string value)
    {
        var length = Utf8.GetByteCount(value);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Utf8.GetBytes(value, buffer);
            AppendLength(sha, written);
            sha.AppendData(buffer, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
