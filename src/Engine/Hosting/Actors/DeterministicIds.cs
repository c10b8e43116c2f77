using System.Security.Cryptography;
using System.Text;

namespace PointsEngine.Engine.Actors;

/// Event ids derived from what caused them, so re-delivering a command after a crash, or replaying the
/// whole log, produces the same ids and the store's idempotent append writes nothing twice.
public static class DeterministicIds
{
    private static readonly Guid Namespace = new("4b8a3f0e-5c1d-4d6e-9a70-2f1c8e9b6d35");

    /// A name-based (RFC 9562 version 5, SHA-1) UUID from the stream, the causing command and the index.
    public static Guid For(string stream, string causation, int index) =>
        NameBased($"{stream}|{causation}|{index}");

    public static Guid NameBased(string name)
    {
        Span<byte> ns = stackalloc byte[16];
        Namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
