using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using static PointsEngine.Api.Spreadsheets.SpreadsheetLimits;

namespace PointsEngine.Api.Spreadsheets;

// Reading a workbook within SpreadsheetLimits (#16 finding 2.2). The zip is checked first by decompressing every
// entry into nothing (declared sizes can lie), so a bomb or an oversized part is refused before any XML is
// parsed. Then the Open XML SDK resolves the parts and each part is read forward with an XmlReader (DTDs
// prohibited), never as a DOM: the shared strings, the styles, the workbook's sheet list and each sheet. Text is
// read in chunks, so a cell's text is refused at 32,767 characters however long it is in the file, and a
// cell's column is refused past XFD before anything is padded out to it.
public static partial class XlsxFile
{
    private const long RatioGrace = 1 << 20;

    // The package's own parts ([Content_Types].xml and the .rels) are loaded whole by System.IO.Packaging, one
    // object per relationship: a real workbook's are a few kilobytes.
    private const long PackagePartBytes = 4 << 20;

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    public static IReadOnlyList<SheetTable> Read(string path, SpreadsheetLimits? limits = null)
    {
        limits ??= Default;
        var name = Path.GetFileName(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length > limits.MaxFileBytes)
            throw SpreadsheetRefusal.FileTooLarge(name, file.Length, limits);
        Span<byte> magic = stackalloc byte[4];
        if (file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual("PK\x03\x04"u8))
            throw SpreadsheetRefusal.Invalid(name, "这不是 .xlsx 工作簿（文件不是 zip 压缩包）", "it is not an .xlsx workbook (the file is not a zip archive)");
        file.Position = 0;
        CheckPackage(name, file, limits);
        file.Position = 0;
        try
        {
            using var document = SpreadsheetDocument.Open(file, isEditable: false);
            var workbook = document.WorkbookPart
                ?? throw SpreadsheetRefusal.Invalid(name, "缺少工作簿部件（xl/workbook.xml）", "it has no workbook part (xl/workbook.xml)");
            var reading = new Reading(name, limits);
            var shared = reading.SharedStrings(workbook.SharedStringTablePart);
            var dateStyles = reading.DateStyles(workbook.WorkbookStylesPart);
            var tables = new List<SheetTable>();
            var seen = new HashSet<Uri>();
            foreach (var (sheetName, id) in reading.SheetList(workbook))
            {
                if (!workbook.TryGetPartById(id, out var found) || found is not WorksheetPart part) continue;
                if (!seen.Add(part.Uri))
                    throw SpreadsheetRefusal.Invalid(name, $"工作表“{sheetName}”与另一工作表指向同一部件 {part.Uri}", $"the sheet '{sheetName}' points at the same part {part.Uri} as another sheet");
                tables.Add(new SheetTable(sheetName, reading.Rows(part, sheetName, shared, dateStyles)));
            }
            return tables;
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException or InvalidOperationException or NotSupportedException)
        {
            throw SpreadsheetRefusal.Invalid(name, $"不是有效的 .xlsx 工作簿（{e.Message}）", $"it is not a valid .xlsx workbook ({e.Message})");
        }
    }

    /// Every entry decompressed into nothing, counting what it really holds: the declared sizes are checked
    /// first (cheap) but can lie, so the count is what decides.
    private static void CheckPackage(string name, Stream file, SpreadsheetLimits limits)
    {
        try
        {
            // ZipArchive holds an object per entry of the central directory: count them first, as it will read them.
            var entries = CentralDirectoryEntries(file, limits.MaxParts + 1L);
            file.Position = 0;
            if (entries > limits.MaxParts)
                throw SpreadsheetRefusal.Limit(name, "", "", $"压缩包有超过 {N(limits.MaxParts)} 个部件（Import:MaxParts）",
                    $"the zip has more than {N(limits.MaxParts)} parts (Import:MaxParts)");
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var buffer = new byte[81_920];
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var where = ($"部件 {entry.FullName}：", $"part {entry.FullName}: ");
                var partLimit = entry.FullName == "[Content_Types].xml" || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)
                    ? Math.Min(PackagePartBytes, limits.MaxPartBytes) : limits.MaxPartBytes;
                if (entry.Length > partLimit) throw PartTooLarge(entry.Length);
                using var content = entry.Open();
                long size = 0;
                for (int read; (read = content.Read(buffer)) > 0;)
                {
                    size += read;
                    total += read;
                    if (size > partLimit) throw PartTooLarge(size);
                    if (size > RatioGrace && size > (long)limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
                        throw SpreadsheetRefusal.Limit(name, where.Item1, where.Item2,
                            $"解压后至少 {N(size)} 字节，是压缩大小 {N(entry.CompressedLength)} 字节的 {N(size / Math.Max(entry.CompressedLength, 1))} 倍，超过上限 {N(limits.MaxCompressionRatio)} 倍（Import:MaxCompressionRatio，疑似 zip 炸弹）",
                            $"it unpacks to at least {N(size)} bytes, {N(size / Math.Max(entry.CompressedLength, 1))} times its compressed {N(entry.CompressedLength)} bytes, more than the limit of {N(limits.MaxCompressionRatio)} times (Import:MaxCompressionRatio; a zip bomb?)");
                    if (total > limits.MaxTotalBytes)
                        throw SpreadsheetRefusal.Limit(name, where.Item1, where.Item2, $"全部部件解压后超过 {N(limits.MaxTotalBytes)} 字节（Import:MaxTotalBytes）",
                            $"all parts together unpack to more than {N(limits.MaxTotalBytes)} bytes (Import:MaxTotalBytes)");
                }

                Commands.UsageException PartTooLarge(long bytes) => SpreadsheetRefusal.Limit(name, where.Item1, where.Item2,
                    $"解压后至少 {N(bytes)} 字节，超过单个部件上限 {N(partLimit)} 字节（Import:MaxPartBytes）",
                    $"it unpacks to at least {N(bytes)} bytes, more than the limit of {N(partLimit)} bytes per part (Import:MaxPartBytes)");
            }
        }
        catch (InvalidDataException e)
        {
            throw SpreadsheetRefusal.Invalid(name, $"zip 压缩包已损坏（{e.Message}）", $"the zip archive is damaged ({e.Message})");
        }
    }

    /// Where in the workbook a limit was hit, said only when it is.
    private readonly record struct Where(string? Sheet, long Row, string? Column, long SharedString = 0)
    {
        public string Zh => Sheet is null ? $"共享字符串表第 {N(SharedString)} 项：" : $"工作表“{Sheet}”第 {N(Row)} 行{(Column is null ? "" : $" {Column} 列")}：";
        public string En => Sheet is null ? $"shared string {N(SharedString)}: " : $"sheet '{Sheet}' row {N(Row)}{(Column is null ? "" : $" column {Column}")}: ";
    }

    /// The entries of the zip's central directory, counted up to <paramref name="enough"/> by walking their
    /// headers from where the end record says the directory starts, for as long as ZipArchive would read them
    /// (whatever count the end record claims). A file without an end record counts 0 and ZipArchive refuses it.
    private static long CentralDirectoryEntries(Stream file, long enough)
    {
        var tail = new byte[(int)Math.Min(file.Length, 22 + ushort.MaxValue)];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        var end = tail.AsSpan().LastIndexOf("PK\x05\x06"u8);
        if (end < 0 || end + 22 > tail.Length) return 0;
        long start = BitConverter.ToUInt32(tail, end + 16);
        if (start == uint.MaxValue && end >= 20 && tail.AsSpan(end - 20, 4).SequenceEqual("PK\x06\x07"u8))
        {
            // Zip64: the locator names the zip64 end record, which holds the directory's start at offset 48.
            var record = new byte[56];
            file.Position = (long)Math.Min(BitConverter.ToUInt64(tail, end - 20 + 8), (ulong)file.Length);
            if (file.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) < record.Length) return 0;
            start = (long)Math.Min(BitConverter.ToUInt64(record, 48), (ulong)file.Length);
        }
        using var reader = new BinaryReader(new BufferedStream(file, 1 << 16), Encoding.UTF8, leaveOpen: true);
        file.Position = Math.Min(start, file.Length);
        long count = 0;
        var header = new byte[46];
        while (count < enough && reader.Read(header, 0, 46) == 46 && header.AsSpan(0, 4).SequenceEqual("PK\x01\x02"u8))
        {
            count++;
            var skip = BitConverter.ToUInt16(header, 28) + BitConverter.ToUInt16(header, 30) + BitConverter.ToUInt16(header, 32);
            reader.BaseStream.Seek(skip, SeekOrigin.Current);
        }
        return count;
    }

    /// One read of one workbook: what it has kept so far, against the limits.
    private sealed class Reading(string name, SpreadsheetLimits limits)
    {
        private const string RelationshipsNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        private const string StrictRelationshipsNs = "http://purl.oclc.org/ooxml/officeDocument/relationships";
        private readonly char[] _chunk = new char[4096];
        private int _rows;
        private long _cells;
        private long _chars;

        public string[] SharedStrings(SharedStringTablePart? part) => part is null ? [] : Parse(name, part, reader =>
        {
            var strings = new List<string>();
            long chars = 0;
            var text = new StringBuilder();
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "si") continue;
                var where = new Where(null, 0, null, strings.Count + 1);
                text.Clear();
                ReadRichText(reader, text, where);
                chars += text.Length;
                if (strings.Count + 1 > limits.MaxCells || chars > limits.MaxTextChars)
                    throw Refuse(where,
                        $"共享字符串超过 {N(limits.MaxCells)} 项或 {N(limits.MaxTextChars)} 个字符（Import:MaxCells、Import:MaxTextChars）",
                        $"the shared strings pass {N(limits.MaxCells)} items or {N(limits.MaxTextChars)} characters (Import:MaxCells, Import:MaxTextChars)");
                strings.Add(text.ToString());
            }
            return strings.ToArray();
        });

        /// The cell formats (by index) that show a date: built-in date formats and custom codes with y or d.
        public HashSet<uint> DateStyles(WorkbookStylesPart? part) => part is null ? [] : Parse(name, part, reader =>
        {
            var result = new HashSet<uint>();
            var customDates = new HashSet<uint>();
            var inCellFormats = false;
            uint index = 0;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "cellXfs") inCellFormats = false;
                if (reader.NodeType != XmlNodeType.Element) continue;
                switch (reader.LocalName)
                {
                    case "numFmt" when UInt(reader, "numFmtId") is { } id && reader.GetAttribute("formatCode") is { } code && IsDateCode(code):
                        customDates.Add(id);
                        break;
                    case "cellXfs":
                        inCellFormats = !reader.IsEmptyElement;
                        break;
                    case "xf" when inCellFormats:
                        var format = UInt(reader, "numFmtId") ?? 0;
                        if (format is >= 14 and <= 17 or 22 or >= 27 and <= 36 or >= 50 and <= 58 || customDates.Contains(format)) result.Add(index);
                        index++;
                        break;
                }
            }
            return result;
        });

        public List<(string Name, string Id)> SheetList(WorkbookPart workbook) => Parse(name, workbook, reader =>
        {
            var sheets = new List<(string Name, string Id)>();
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "sheet"
                    && (reader.GetAttribute("id", RelationshipsNs) ?? reader.GetAttribute("id", StrictRelationshipsNs)) is { } id)
                    sheets.Add((reader.GetAttribute("name") ?? "", id));
            return sheets;
        });

        public List<SheetRow> Rows(WorksheetPart part, string sheet, string[] shared, HashSet<uint> dateStyles) => Parse(name, part, reader =>
        {
            var rows = new List<SheetRow>();
            var value = new StringBuilder();
            List<string>? cells = null;
            HashSet<int>? formulas = null;
            var merges = new List<MergedRange>();
            var rowNumber = 0;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "row" && cells is not null)
                {
                    Keep(rows, formulas is null ? new SheetRow(rowNumber, cells) : new SheetRow(rowNumber, cells) { UncomputedFormulas = formulas }, sheet);
                    cells = null;
                }
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (reader.LocalName == "row")
                {
                    rowNumber = RowNumber(reader.GetAttribute("r"), rowNumber + 1, sheet);
                    cells = [];
                    formulas = null;
                    if (reader.IsEmptyElement) cells = null;
                }
                else if (reader.LocalName == "mergeCell" && MergedRange.Parse(reader.GetAttribute("ref")) is { } merge)
                {
                    if (++_cells > limits.MaxCells)
                        throw Refuse(new Where(sheet, merge.Top, null), $"文件中的单元格与合并区域超过 {N(limits.MaxCells)} 个（Import:MaxCells）",
                            $"the file holds more than {N(limits.MaxCells)} cells and merged ranges (Import:MaxCells)");
                    if (merge.Bottom > merge.Top) merges.Add(merge);
                }
                else if (reader.LocalName == "c" && cells is not null)
                {
                    var reference = reader.GetAttribute("r");
                    var column = reference is null ? cells.Count : ColumnIndex(reference);
                    var where = new Where(sheet, rowNumber, reference is null ? XlsxFile.ColumnName(Math.Min(column, MaxColumns)) : Shorten(ColumnLetters(reference)));
                    if (column >= MaxColumns)
                        throw Refuse(where, $"超出最后一列 XFD（{N(MaxColumns)} 列，Excel 的上限）",
                            $"beyond the last column XFD ({N(MaxColumns)} columns, Excel's limit)");
                    var text = CellText(reader, value, shared, dateStyles, where, out var uncomputed).Trim();
                    if (uncomputed) (formulas ??= []).Add(Math.Max(column, cells.Count)); // where the text goes below
                    _cells += Math.Max(column + 1 - cells.Count, 1);
                    _chars += text.Length;
                    if (_cells > limits.MaxCells || _chars > limits.MaxTextChars)
                        throw Refuse(where,
                            $"文件中的单元格超过 {N(limits.MaxCells)} 个或文字超过 {N(limits.MaxTextChars)} 个字符（Import:MaxCells、Import:MaxTextChars）",
                            $"the file holds more than {N(limits.MaxCells)} cells or {N(limits.MaxTextChars)} characters of text (Import:MaxCells, Import:MaxTextChars)");
                    while (cells.Count < column) cells.Add("");
                    cells.Add(text);
                }
            }
            return merges.Count == 0 ? rows : FillDown(rows, merges, sheet);
        });

        /// #19 problem 4: cells merged down rows (a meeting's 日期/类型/说明 over its attendance rows, as paper
        /// ledgers are kept) hold their text in the top-left cell only; every row of the range gets it. A range
        /// whose top-left cell is empty while another of its cells holds text, or a cell under it holding other
        /// text, cannot be told: each row of it is marked, so the importer rejects the block whole, naming it.
        private List<SheetRow> FillDown(List<SheetRow> rows, List<MergedRange> merges, string sheet)
        {
            var ordered = rows.Select((row, index) => (row.Number, Index: index)).OrderBy(r => r.Number).ToArray();
            var numbers = ordered.Select(r => r.Number).ToArray();
            var cells = rows.Select(r => r.Cells.ToList()).ToArray();
            var filled = new Dictionary<int, string>?[rows.Count];
            var unreadable = new Dictionary<int, string>?[rows.Count];
            foreach (var merge in merges.Where(m => m.Left < MaxColumns))
            {
                var from = Array.BinarySearch(numbers, merge.Top);
                if (from < 0) from = ~from;
                var inRange = new List<int>();
                for (var i = from; i < numbers.Length && numbers[i] <= merge.Bottom; i++) inRange.Add(ordered[i].Index);
                if (inRange.Count == 0) continue;
                var top = rows[inRange[0]].Number == merge.Top ? rows[inRange[0]][merge.Left] : "";
                var readable = top.Length > 0 && inRange.All(i => rows[i][merge.Left] is var t && (t.Length == 0 || t == top));
                var holdsText = top.Length > 0 || inRange.Any(i => rows[i][merge.Left].Length > 0);
                foreach (var i in inRange)
                {
                    if (++_cells > limits.MaxCells)
                        throw Refuse(new Where(sheet, rows[i].Number, null), $"文件中的单元格超过 {N(limits.MaxCells)} 个（Import:MaxCells，含合并单元格填充）",
                            $"the file holds more than {N(limits.MaxCells)} cells (Import:MaxCells, merged cells filled in)");
                    if (!readable)
                    {
                        if (holdsText) (unreadable[i] ??= [])[merge.Left] = merge.Name;
                        continue;
                    }
                    while (cells[i].Count <= merge.Left) cells[i].Add("");
                    cells[i][merge.Left] = top;
                    (filled[i] ??= [])[merge.Left] = merge.Name;
                }
            }
            return [.. rows.Select((row, i) => filled[i] is null && unreadable[i] is null ? row
                : row with { Cells = cells[i], MergedFrom = filled[i] ?? row.MergedFrom, UnreadableMerges = unreadable[i] ?? row.UnreadableMerges })];
        }

        private void Keep(List<SheetRow> rows, SheetRow row, string sheet)
        {
            if (row.IsBlank) return;
            if (++_rows > limits.MaxRows)
            {
                var where = new Where(sheet, row.Number, null);
                throw SpreadsheetRefusal.TooManyRows(name, where.Zh, where.En, limits);
            }
            rows.Add(row);
        }

        private int RowNumber(string? reference, int next, string sheet)
        {
            if (reference is null) return next;
            if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > MaxRowNumber)
                throw SpreadsheetRefusal.Limit(name, $"工作表“{sheet}”第 {Shorten(reference)} 行：", $"sheet '{sheet}' row {Shorten(reference)}: ",
                    $"行号须在 1–{N(MaxRowNumber)}（Excel 的上限）", $"row numbers lie in 1–{N(MaxRowNumber)} (Excel's limit)");
            return (int)number;
        }

        /// A cell as text (the reader on its start tag), as Excel shows it: shared and inline strings, booleans,
        /// dates by their cell format as yyyy-MM-dd, numbers as typed (2.5, not 2.4999999999999996).
        private string CellText(XmlReader reader, StringBuilder value, string[] shared, HashSet<uint> dateStyles, Where where, out bool uncomputed)
        {
            var type = reader.GetAttribute("t");
            var style = UInt(reader, "s");
            value.Clear();
            var inline = type == "inlineStr" ? new StringBuilder() : null;
            var formula = false;
            uncomputed = false;
            if (!reader.IsEmptyElement)
            {
                var depth = reader.Depth;
                reader.Read();
                while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
                {
                    if (reader.NodeType == XmlNodeType.Element)
                    {
                        if (reader.LocalName == "v") AppendText(reader, value, where);
                        else if (reader.LocalName == "is" && inline is not null) ReadRichText(reader, inline, where);
                        else
                        {
                            // A formula and the like: the cached value is in v. Skip leaves the reader on the
                            // next sibling (the v that follows an f), which must not be read past.
                            formula |= reader.LocalName == "f";
                            reader.Skip();
                            continue;
                        }
                    }
                    reader.Read();
                }
            }
            if (inline is not null) return inline.ToString();
            var raw = value.ToString();
            // #19 problem 5: a formula whose value was never computed is not an empty cell (a string formula may
            // compute to empty text, t="str").
            if (formula && raw.Length == 0 && type != "str")
            {
                uncomputed = true;
                return "";
            }
            switch (type)
            {
                case "s":
                    return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Length ? shared[i] : "";
                case "b":
                    return raw == "1" ? "TRUE" : "FALSE";
                case not (null or "n"):
                    return raw;
            }
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return raw;
            if (style is { } s && dateStyles.Contains(s) && number is >= 1 and < 2958466)
                return DateTime.FromOADate(number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            // Doubles as a person typed them: 2.5 not 2.4999999999999996 (and 1E+300 as written: no decimal holds it).
            return Math.Abs(number) < 7.9e28 ? ((decimal)number).ToString(CultureInfo.InvariantCulture) : raw;
        }

        /// The text of a string item (si or is, the reader on its start tag): its t elements, plain or in rich
        /// text runs, without the phonetic guide (rPh), which Excel does not show.
        private void ReadRichText(XmlReader reader, StringBuilder text, Where where)
        {
            if (reader.IsEmptyElement) return;
            var depth = reader.Depth;
            while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (reader.LocalName == "rPh" && !reader.IsEmptyElement) reader.Skip();
                else if (reader.LocalName == "t") AppendText(reader, text, where);
            }
        }

        /// The text content of an element (the reader on its start tag), in chunks: refused past MaxCellChars
        /// before more of it is held.
        private void AppendText(XmlReader reader, StringBuilder text, Where where)
        {
            if (reader.IsEmptyElement) return;
            var depth = reader.Depth;
            while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)) continue;
                for (int read; (read = reader.ReadValueChunk(_chunk, 0, _chunk.Length)) > 0;)
                {
                    text.Append(_chunk, 0, read);
                    if (text.Length > MaxCellChars)
                        throw Refuse(where, $"单元格文字超过 {N(MaxCellChars)} 个字符（Excel 的上限）",
                            $"the cell's text is longer than {N(MaxCellChars)} characters (Excel's limit)");
                }
            }
        }

        private Commands.UsageException Refuse(Where where, string limitZh, string limitEn) => SpreadsheetRefusal.Limit(name, where.Zh, where.En, limitZh, limitEn);

        /// A part read forward once; XML that is not well-formed, or has a DTD (never in a workbook; the way to
        /// an entity expansion bomb), is refused naming the part and line.
        private static T Parse<T>(string name, OpenXmlPart part, Func<XmlReader, T> read)
        {
            try
            {
                using var reader = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), XmlSettings);
                return read(reader);
            }
            catch (XmlException e)
            {
                throw SpreadsheetRefusal.Invalid(name, $"部件 {part.Uri} 的 XML 无效或含有不允许的 DTD/实体声明（{e.Message}）",
                    $"the XML of part {part.Uri} is invalid or holds a DTD/entity declaration, which is not allowed ({e.Message})");
            }
        }

        private static string ColumnLetters(string reference) => new([.. reference.TakeWhile(char.IsAsciiLetter).Take(13)]);

        private static uint? UInt(XmlReader reader, string attribute) =>
            uint.TryParse(reader.GetAttribute(attribute), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

        private static string? Shorten(string? text) => text is { Length: > 12 } ? text[..12] + "…" : text;
    }

    /// The column of a cell reference such as "AB12" (0-based); anything past XFD comes back as MaxColumns,
    /// however many letters it has.
    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
            if (index > MaxColumns) return MaxColumns;
        }
        return index - 1;
    }

    /// A range of merged cells (mergeCell ref="C2:C6"): rows 1-based, columns 0-based.
    private sealed record MergedRange(string Name, int Top, int Left, int Bottom)
    {
        public static MergedRange? Parse(string? reference)
        {
            if (reference?.Split(':') is not [var from, var to] || Cell(from) is not { } a || Cell(to) is not { } b) return null;
            return new MergedRange(Shorten(reference)!, Math.Min(a.Row, b.Row), Math.Min(a.Column, b.Column), Math.Max(a.Row, b.Row));
        }

        private static (int Row, int Column)? Cell(string reference)
        {
            var letters = reference.TakeWhile(char.IsAsciiLetter).Count();
            return letters is > 0 and <= 3
                && int.TryParse(reference.AsSpan(letters), NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row is >= 1 and <= MaxRowNumber
                ? (row, ColumnIndex(reference)) : null;
        }

        private static string? Shorten(string? text) => text is { Length: > 24 } ? text[..24] + "…" : text;
    }

    private static bool IsDateCode(string code)
    {
        var bare = QuotedOrBracketed().Replace(code, "");
        return bare.Contains('y', StringComparison.OrdinalIgnoreCase) || bare.Contains('d', StringComparison.OrdinalIgnoreCase)
            || bare.Contains('年', StringComparison.Ordinal) || bare.Contains('日', StringComparison.Ordinal);
    }

    [GeneratedRegex("\"[^\"]*\"|\\[[^\\]]*\\]|\\\\.")]
    private static partial Regex QuotedOrBracketed();
}
