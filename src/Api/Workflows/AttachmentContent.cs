using System.IO.Compression;

namespace PointsEngine.Api.Workflows;

/// What an uploaded file really is, judged by its content (magic bytes), never by its name or the
/// Content-Type the client sent: a photo (JPEG, PNG), a PDF, or an Office document (DOCX, XLSX — ZIP
/// packages, told apart by the part that makes them one).
public static class AttachmentContent
{
    public sealed record Kind(string MediaType, string Name, IReadOnlyList<string> Extensions);

    public static readonly Kind Jpeg = new("image/jpeg", "JPEG", [".jpg", ".jpeg"]);
    public static readonly Kind Png = new("image/png", "PNG", [".png"]);
    public static readonly Kind Pdf = new("application/pdf", "PDF", [".pdf"]);
    public static readonly Kind Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", [".docx"]);
    public static readonly Kind Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", [".xlsx"]);

    public static readonly IReadOnlyList<Kind> Accepted = [Jpeg, Png, Pdf, Docx, Xlsx];

    public static string AcceptedList => string.Join(", ", Accepted.SelectMany(k => k.Extensions));

    /// The kind the content is, or null if it is none of the accepted ones.
    public static Kind? Detect(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (content.StartsWith("%PDF-"u8)) return Pdf;
        if (content.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04])) return OfficePackage(content.ToArray());
        return null;
    }

    public static Kind? ByExtension(string name) =>
        Accepted.FirstOrDefault(k => k.Extensions.Contains(Path.GetExtension(name).ToLowerInvariant()));

    // Only the ZIP's central directory is read (entry names), nothing is decompressed.
    private static Kind? OfficePackage(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            if (!names.Contains("[Content_Types].xml")) return null;
            if (names.Contains("word/document.xml")) return Docx;
            if (names.Contains("xl/workbook.xml")) return Xlsx;
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
