using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace PointsEngine.Api.Tests.Support;

/// Files as a phone would send them, and the multipart/form-data request that carries them.
public static class Uploads
{
    /// A JPEG by its first bytes (SOI + JFIF APP0), padded to <paramref name="size"/>.
    public static byte[] Jpeg(int size = 600, byte fill = 0x11) => Pad([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8], size, fill);

    public static byte[] Png(int size = 300) => Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size, 0x22);

    public static byte[] Pdf(int size = 300) => Pad([.. "%PDF-1.7\n"u8], size, 0x20);

    /// A Windows executable (MZ header): what a disguised upload often is.
    public static byte[] Executable(int size = 300) => Pad([.. "MZ"u8, 0x90, 0x00], size, 0x00);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static async Task<Answer> PostClaimAsync(this HttpClient client, string path, IReadOnlyDictionary<string, string> fields,
        IEnumerable<(string Name, byte[] Content)> files, string? key = null)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            // What the client claims does not matter: the server judges the content.
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "attachments", name);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await HttpExtensions.SendAsync(client, request);
    }

    private static byte[] Pad(byte[] head, int size, byte fill)
    {
        var bytes = new byte[Math.Max(size, head.Length)];
        Array.Fill(bytes, fill);
        head.CopyTo(bytes, 0);
        return bytes;
    }
}
