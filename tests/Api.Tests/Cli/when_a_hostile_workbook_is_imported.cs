using System.IO.Compression;
using PointsEngine.Api.Commands;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using Xunit.Abstractions;
using static PointsEngine.Api.Tests.Cli.HostileWorkbooks;

namespace PointsEngine.Api.Tests.Cli;

/// #16 finding 2.2: .xlsx import had no memory bound (a 1.5 KB workbook with one cell at column ZZZZZZ grew the
/// process to 6 GB; a 1 GiB inline string ran out of memory; 3 M rows passed 6 GB). Each hostile file is refused
/// with a bilingual message naming the limit and where it was hit, the import writes nothing, and the read
/// allocates less than 200 MB on the reading thread (a functional bound: the read is synchronous, so every byte
/// it allocates is counted, whatever the other tests running in this process do).
public sealed class when_a_hostile_workbook_is_imported(ITestOutputHelper output) : IDisposable
{
    private const long AllocationBound = 200L << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-hostile-").FullName;
    private string Database => Path.Combine(_dir, "points.db");

    [Fact]
    public async Task a_cell_at_column_ZZZZZZ_is_refused_past_XFD()
    {
        var file = Path.Combine(_dir, "zzzzzz.xlsx");
        Write(file, w => w.Write("<row r=\"1\">" + Cell("A1", "日期") + Cell("ZZZZZZ1", "x") + "</row>"));
        Assert.True(new FileInfo(file).Length < 2_000);

        await AssertRefusedAsync(file, "row 1 column ZZZZZZ: beyond the last column XFD (16,384 columns, Excel's limit)", "ZZZZZZ 列：超出最后一列 XFD");
    }

    [Fact]
    public async Task a_one_gigabyte_inline_string_is_refused_before_it_is_unpacked()
    {
        var file = Path.Combine(_dir, "gigabyte.xlsx");
        Write(file, Around("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", 'x', 1L << 30, "</t></is></c></row>"));
        Assert.True(new FileInfo(file).Length < 16L << 20, $"{new FileInfo(file).Length} bytes");

        await AssertRefusedAsync(file, "part xl/worksheets/sheet1.xml: it unpacks to at least", "超过单个部件上限 268,435,456 字节（Import:MaxPartBytes）");
    }

    [Fact]
    public async Task a_zip_that_declares_a_small_size_for_a_huge_part_is_refused_by_what_it_unpacks()
    {
        var file = Path.Combine(_dir, "liar.xlsx");
        Write(file, Around("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", 'x', 300_000_000, "</t></is></c></row>"));
        DeclareSize(file, "xl/worksheets/sheet1.xml", 1_000);

        // ZipArchive stops unpacking at the declared size, so the lie only truncates the part: the 300 MB are
        // never unpacked and the cut XML is refused as invalid.
        await AssertRefusedAsync(file, "the XML of part /xl/worksheets/sheet1.xml is invalid", "部件 /xl/worksheets/sheet1.xml 的 XML 无效");
    }

    [Fact]
    public async Task an_inline_string_longer_than_a_cell_holds_is_refused_at_its_cell()
    {
        var file = Path.Combine(_dir, "long-inline.xlsx");
        Write(file, Around("<row r=\"1\">" + Cell("A1", "日期") + "</row><row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>", '长', 1_000_000, "</t></is></c></row>"));

        await AssertRefusedAsync(file, "sheet '台账' row 2 column B: the cell's text is longer than 32,767 characters", "第 2 行 B 列：单元格文字超过 32,767 个字符");
    }

    [Fact]
    public async Task a_huge_shared_string_is_refused_at_its_item()
    {
        var file = Path.Combine(_dir, "long-shared.xlsx");
        Write(file, w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"), Around("<si><t>日期</t></si><si><t>", 'y', 1_000_000, "</t></si>"));

        await AssertRefusedAsync(file, "shared string 2: the cell's text is longer than 32,767 characters", "共享字符串表第 2 项");
    }

    [Fact]
    public async Task millions_of_rows_are_refused_at_the_row_limit()
    {
        var file = Path.Combine(_dir, "rows.xlsx");
        Write(file, w =>
        {
            for (var r = 1; r <= 2_000_000; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>x</t></is></c></row>");
        });
        output.WriteLine($"2,000,000 rows: {new FileInfo(file).Length:N0} bytes compressed");

        await AssertRefusedAsync(file, "sheet '台账' row 200,001: the file holds more than 200,000 non-empty rows (Import:MaxRows)", "（Import:MaxRows）");
    }

    [Fact]
    public async Task a_zip_bomb_is_refused_by_its_compression_ratio()
    {
        // 200 MB of whitespace inside sheetData: well-formed XML, under the part limit, a thousand times its
        // compressed size.
        var file = Path.Combine(_dir, "bomb.xlsx");
        Write(file, w => Repeat(w, ' ', 200_000_000), level: CompressionLevel.SmallestSize);
        Assert.True(new FileInfo(file).Length < 1L << 20, $"{new FileInfo(file).Length} bytes");

        await AssertRefusedAsync(file, "(Import:MaxCompressionRatio; a zip bomb?)", "部件 xl/worksheets/sheet1.xml：解压后至少");
    }

    [Fact]
    public async Task a_zip_of_half_a_million_empty_entries_is_refused_by_its_entry_count()
    {
        var file = Path.Combine(_dir, "entries.xlsx");
        using (var zip = new ZipArchive(File.Create(file), ZipArchiveMode.Create))
            for (var i = 0; i < 500_000; i++) zip.CreateEntry(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture), CompressionLevel.NoCompression);

        await AssertRefusedAsync(file, "the zip has more than 10,000 parts (Import:MaxParts)", "（Import:MaxParts）");
    }

    [Fact]
    public async Task a_package_relationships_part_of_millions_of_relationships_is_refused_before_it_is_loaded()
    {
        var file = Path.Combine(_dir, "rels.xlsx");
        WriteZip(file, ("_rels/.rels", w =>
        {
            w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
            for (var i = 0; i < 2_000_000; i++) w.Write($"<Relationship Id=\"r{i}\" Type=\"http://x/t\" Target=\"p{i}.xml\"/>");
            w.Write("</Relationships>");
        }));

        await AssertRefusedAsync(file, "bytes, more than the limit of 4,194,304 bytes per part (Import:MaxPartBytes)", "部件 _rels/.rels：解压后至少");
    }

    [Fact]
    public async Task a_corrupt_zip_is_refused_as_damaged()
    {
        var file = Path.Combine(_dir, "corrupt.xlsx");
        Write(file, w => w.Write("<row r=\"1\">" + Cell("A1", "日期") + "</row>"));
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length * 2 / 3)]);

        await AssertRefusedAsync(file, "the zip archive is damaged", "zip 压缩包已损坏");
    }

    [Fact]
    public async Task a_text_file_named_xlsx_is_refused_as_not_a_workbook()
    {
        var file = Path.Combine(_dir, "text.xlsx");
        await File.WriteAllTextAsync(file, "日期,党员编号\n2025-01-01,m001\n");

        await AssertRefusedAsync(file, "it is not an .xlsx workbook (the file is not a zip archive)", "文件不是 zip 压缩包");
    }

    [Fact]
    public async Task a_zip_without_its_workbook_part_is_refused()
    {
        var file = Path.Combine(_dir, "no-workbook.xlsx");
        WriteZip(file,
            ("[Content_Types].xml", w => w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>")),
            ("_rels/.rels", w => w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>")),
            ("xl/worksheets/sheet1.xml", w => w.Write("<worksheet/>")));

        await AssertRefusedAsync(file, "Cannot read the workbook no-workbook.xlsx:", "无法读取 Excel 文件 no-workbook.xlsx");
    }

    [Fact]
    public async Task a_sheet_with_an_entity_expansion_is_refused_for_its_DTD()
    {
        var file = Path.Combine(_dir, "entities.xlsx");
        var dtd = "<!DOCTYPE worksheet [<!ENTITY a0 \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\">"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY a{i} \"{string.Concat(Enumerable.Repeat($"&a{i - 1};", 10))}\">")) + "]>";
        Write(file, w => w.Write("<row r=\"1\">" + Cell("A1", "&a9;") + "</row>"), sheetPrologue: dtd);

        await AssertRefusedAsync(file, "the XML of part /xl/worksheets/sheet1.xml is invalid or holds a DTD", "不允许的 DTD");
    }

    [Fact]
    public void a_cell_in_the_last_column_XFD_still_reads()
    {
        var file = Path.Combine(_dir, "xfd.xlsx");
        Write(file, w => w.Write("<row r=\"1\">" + Cell("A1", "日期") + Cell("XFD1", "最后一列") + "</row>"));

        var row = Spreadsheet.Read(file).Single().Rows.Single();

        Assert.Equal(16_384, row.Cells.Count);
        Assert.Equal("最后一列", row[16_383]);
    }

    /// Refused by the read the import makes (on this thread, its allocations counted) and by the import itself
    /// (exit code 2, the message on stderr, nothing written to an existing store, no rejects file).
    private async Task AssertRefusedAsync(string file, string en, string zh)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = DateTime.UtcNow;
        var refused = Assert.Throws<UsageException>(() => Spreadsheet.Read(file));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length:N0} bytes on disk, {allocated:N0} bytes allocated, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        output.WriteLine(refused.Message);
        Assert.True(allocated < AllocationBound, $"reading {Path.GetFileName(file)} allocated {allocated:N0} bytes");
        Assert.Contains(en, refused.En);
        Assert.Contains(zh, refused.Zh);

        await Cli.PublishDefaultRulesAsync(_dir, "--store-path", Database);
        var head = await HeadAsync();
        var run = await Cli.RunAsync("import", file, "--operator", "王书记", "--store-path", Database);
        Assert.True(run.Exit == ExitCodes.Usage, run.ToString());
        Assert.Contains(en, run.Errors);
        Assert.Equal(head, await HeadAsync());
        Assert.Empty(Directory.GetFiles(_dir, "*.rejects.*"));
    }

    private async Task<LogPosition> HeadAsync()
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(Database));
        return await store.ReadHeadPositionAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
