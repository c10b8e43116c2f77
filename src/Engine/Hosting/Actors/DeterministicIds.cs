using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PointsEngine.Engine.Actors;

/// Event ids derived from what caused them, so re-delivering a command after a crash, or replaying the
/// whole log, produces the same ids and the store's idempotent append writes nothing twice.
public static class DeterministicIds
{
    private static readonly Guid Namespace = new("4b8a3f0e-5c1d-4d6e-9a70-2f1c8e9b6d35");
    private const int NamespaceLength = 16;
    private const int StackLimit = 512;

    /// A name-based (RFC 9562 version 5, SHA-1) UUID from the stream, the causing command and the index:
    /// the id of the name "{stream}|{causation}|{index}", built without the name's string (one per event).
    public static Guid For(string stream, string causation, int index)
    {
        var max = NamespaceLength + Encoding.UTF8.GetMaxByteCount(stream.Length + causation.Length) + 2 + 11;
        byte[]? rented = null;
        var input = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = NamespaceLength;
            n += Encoding.UTF8.GetBytes(stream, input[n..]);
            input[n++] = (byte)'|';
            n += Encoding.UTF8.GetBytes(causation, input[n..]);
            input[n++] = (byte)'|';
            index.TryFormat(input[n..], out var digits, default, CultureInfo.InvariantCulture);
            return Hash(input[..(n + digits)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static Guid NameBased(string name)
    {
        var max = NamespaceLength + Encoding.UTF8.GetMaxByteCount(name.Length);
        byte[]? rented = null;
        var input = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = NamespaceLength + Encoding.UTF8.GetBytes(name, input[NamespaceLength..]);
            return Hash(input[..n]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <paramref name="input"/>: 16 bytes left for the namespace, then the name in UTF-8.
    private static Guid Hash(Span<byte> input)
    {
        Namespace.TryWriteBytes(input[..NamespaceLength], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
