using System.IO.Compression;
using System.Text;

namespace PointsEngine.Api.Tests.Cli;

/// Hostile .xlsx files, made by hand part by part (not by the code under test), streamed so that a file whose
/// sheet unpacks to hundreds of megabytes never exists in the test's memory.
public static class HostileWorkbooks
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// A well-formed workbook of one sheet 台账 whose sheet XML <paramref name="sheetData"/> writes (the rows
    /// inside sheetData), and optionally a shared-strings part and what follows sheetData (merged cells).
    public static void Write(string path, Action<TextWriter> sheetData, Action<TextWriter>? sharedStrings = null,
        CompressionLevel level = CompressionLevel.Fastest, string? sheetPrologue = null, string? afterSheetData = null)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml", w => w.Write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
            + "</Types>"));
        Part(zip, "_rels/.rels", w => w.Write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>"));
        Part(zip, "xl/workbook.xml", w => w.Write(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{Main}\" xmlns:r=\"{Relationships}\"><sheets><sheet name=\"台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
        Part(zip, "xl/_rels/workbook.xml.rels", w => w.Write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
            + (sharedStrings is null ? "" : "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>")
            + "</Relationships>"));
        if (sharedStrings is not null)
            Part(zip, "xl/sharedStrings.xml", w =>
            {
                w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{Main}\">");
                sharedStrings(w);
                w.Write("</sst>");
            }, level);
        Part(zip, "xl/worksheets/sheet1.xml", w =>
        {
            w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            w.Write(sheetPrologue ?? "");
            w.Write($"<worksheet xmlns=\"{Main}\"><sheetData>");
            sheetData(w);
            w.Write("</sheetData>");
            w.Write(afterSheetData ?? ""); // e.g. <mergeCells>, which follows sheetData
            w.Write("</worksheet>");
        }, level);
    }

    /// A zip with the given entries only (each written by its action), for packages that are not workbooks.
    public static void WriteZip(string path, params (string Name, Action<TextWriter> Content)[] entries)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var (name, content) in entries) Part(zip, name, content);
    }

    private static void Part(ZipArchive zip, string name, Action<TextWriter> content, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false), 1 << 16);
        content(writer);
    }

    /// Rewrites the uncompressed size the zip declares for <paramref name="entry"/> (local header and central
    /// directory) to <paramref name="size"/>: a zip that lies about what it holds.
    public static void DeclareSize(string path, string entry, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(entry);
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var (sizeAt, nameLengthAt, nameAt) = signature switch
            {
                0x04034b50 => (22, 26, 30),
                0x02014b50 => (24, 28, 46),
                _ => (-1, 0, 0),
            };
            if (sizeAt < 0 || BitConverter.ToUInt16(bytes, i + nameLengthAt) != name.Length
                || !bytes.AsSpan(i + nameAt, name.Length).SequenceEqual(name)) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(i + sizeAt, 4), size);
        }
        File.WriteAllBytes(path, bytes);
    }

    /// <paramref name="before"/>, <paramref name="count"/> times <paramref name="c"/>, <paramref name="after"/>.
    public static Action<TextWriter> Around(string before, char c, long count, string after) => w =>
    {
        w.Write(before);
        Repeat(w, c, count);
        w.Write(after);
    };

    /// <paramref name="count"/> times the same character, written in blocks.
    public static void Repeat(TextWriter writer, char c, long count)
    {
        var block = new string(c, 1 << 16);
        for (var left = count; left > 0; left -= block.Length) writer.Write(left >= block.Length ? block : block[..(int)left]);
    }

    public static string Cell(string reference, string text) => $"<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>";
}
