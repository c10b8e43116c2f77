using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Spreadsheets;
using UglyToad.PdfPig;

namespace PointsEngine.Api.Tests.Cli;

/// #21: the year-end documents a committee signs, printed for a real 30-member branch of the imported year.
public sealed partial class when_a_year_of_ledgers_is_imported
{
    // Internal ids a reader must not meet on paper: imported fact ids, recorded fact ids, the members' ids (they have names).
    private static readonly Regex InternalId = new(@"imp-|\bf-[0-9a-f]|\bm\d{3}\b", RegexOptions.CultureInvariant);

    /// Where the printed pages are kept to look at (the brief's screenshot folder).
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "pe-web-screenshots", "print");

    [Fact]
    public async Task issue21_problem2_the_workbook_prints_a_titled_landscape_summary_one_page_wide_with_ids_only_in_a_hidden_sheet()
    {
        // #21 problem 2: 「汇总 has 24 columns including a 60-wide unwrapped reasons column, no title, no page setup …
        // member sheets show internal labels (imp-… ids)」.
        var file = Path.Combine(year.Dir, "print-b01.xlsx");
        var run = await Cli.RunAsync(["appraisal", "--year", "2025", "--branch", "b01", "--out", file, .. year.Store]); // xlsx: the default
        Assert.True(run.Exit == 0, run.ToString());

        using var doc = SpreadsheetDocument.Open(file, false);
        var book = doc.WorkbookPart!;
        var sheets = book.Workbook.Sheets!.Elements<Sheet>().ToList();
        var summary = Part(book, AppraisalWorkbook.SummarySheet);
        var setup = summary.Worksheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal((9u, 1u, 0u), (setup.PaperSize!.Value, setup.FitToWidth!.Value, setup.FitToHeight!.Value));
        Assert.True(summary.Worksheet.GetFirstChild<SheetProperties>()!.PageSetupProperties!.FitToPage!.Value);
        var names = book.Workbook.DefinedNames!.Elements<DefinedName>().Where(n => n.LocalSheetId?.Value == 0).ToDictionary(n => n.Name!.Value!, n => n.Text);
        Assert.Equal("'汇总'!$3:$3", names["_xlnm.Print_Titles"]);
        // 2 title rows, the header, 30 members, a blank row, 2 count lines, a blank row, 4 signature lines.
        // Columns: rank, name, status, category, the 7 categories of the default rules, total, grade, vanguard, reason.
        Assert.Equal("'汇总'!$A$1:$O$41", names["_xlnm.Print_Area"]);

        var cells = Cells(book, summary);
        Assert.Equal("第01党支部 2025 年度党员积分考核结果", cells["A1"]);
        Assert.Equal("名次", cells["A3"]);
        Assert.Contains(cells.Values, v => v.StartsWith("支部书记", StringComparison.Ordinal));
        Assert.Contains(cells.Values, v => v.StartsWith("考核小组", StringComparison.Ordinal));
        Assert.Contains(cells.Values, v => v.Contains("盖章", StringComparison.Ordinal));
        Assert.Contains(cells.Values, v => v.StartsWith("参加考核 30 人", StringComparison.Ordinal));

        // No 60-wide column; the reason column (the last) is the widest and wraps.
        var widths = summary.Worksheet.GetFirstChild<Columns>()!.Elements<Column>().Select(c => c.Width!.Value).ToList();
        Assert.Equal(15, widths.Count);
        Assert.All(widths, w => Assert.True(w <= 48, $"a column {w} wide"));
        var reason = summary.Worksheet.Descendants<Cell>().Single(c => c.CellReference == "O4");
        var format = (CellFormat)book.WorkbookStylesPart!.Stylesheet.CellFormats!.ElementAt((int)reason.StyleIndex!.Value);
        Assert.True(format.Alignment!.WrapText!.Value);

        // Member pages: portrait, one page wide, their header row repeated; only 追溯 (hidden) holds ids.
        Assert.Equal(32, sheets.Count);
        var ledger = Part(book, "党员001");
        Assert.Equal(OrientationValues.Portrait, ledger.Worksheet.GetFirstChild<PageSetup>()!.Orientation!.Value);
        Assert.Equal(SheetStateValues.Hidden, sheets.Single(s => s.Name == AppraisalWorkbook.TraceSheet).State!.Value);
        Assert.All(sheets.Where(s => s.State is null), s =>
        {
            var text = Cells(book, (WorksheetPart)book.GetPartById(s.Id!)).Values.FirstOrDefault(InternalId.IsMatch);
            Assert.True(text is null, $"sheet {s.Name} shows an internal id: {text}");
        });
        Assert.Contains(Cells(book, Part(book, AppraisalWorkbook.TraceSheet)).Values, v => v.Contains("事实 imp-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task issue21_problem2_the_pdf_is_at_most_two_landscape_summary_pages_then_one_page_per_member_without_ids()
    {
        // #21 problem 2: 「printed to PDF it is 254 A4 pages with the summary split over about 7」.
        Directory.CreateDirectory(Shots);
        var file = Path.Combine(Shots, "年终考核-b01-2025.pdf");
        var run = await Cli.RunAsync(["appraisal", "--year", "2025", "--branch", "b01", "--format", "pdf", "--out", file, .. year.Store]);
        Assert.True(run.Exit == 0, run.ToString());

        using var pdf = PdfDocument.Open(file);
        var pages = pdf.GetPages().ToList();
        var landscape = pages.TakeWhile(p => p.Width > p.Height).ToList();
        var portrait = pages.Skip(landscape.Count).ToList();
        log.WriteLine($"{pages.Count} pages: {landscape.Count} summary (landscape), {portrait.Count} member pages (portrait)");
        Assert.InRange(landscape.Count, 1, 2);
        Assert.Equal(30, portrait.Count);
        Assert.All(portrait, p => Assert.True(p.Height > p.Width));
        Assert.All(pages, p => Assert.InRange(Math.Round(Math.Max(p.Width, p.Height)), 841, 843)); // A4

        var summary = string.Concat(landscape.Select(p => p.Text));
        Assert.Contains("第01党支部2025年度党员积分考核结果", Squeeze(summary));
        foreach (var words in new[] { "支部书记（签字）", "考核小组（签字）", "日期", "盖章", "先锋示范岗", "参加考核30人" })
            Assert.Contains(Squeeze(words), Squeeze(summary));
        // Each member's page opens with their name and closes with their total.
        for (var i = 0; i < portrait.Count; i++) Assert.Contains("年度积分台账", Squeeze(portrait[i].Text));
        var all = string.Concat(pages.Select(p => p.Text));
        var id = InternalId.Match(all);
        Assert.False(id.Success, $"the PDF shows an internal id: …{(id.Success ? all.Substring(Math.Max(0, id.Index - 20), 40) : "")}…");
    }

    [Fact]
    public async Task a_pdf_with_another_extension_is_refused_before_anything_is_read()
    {
        var run = await Cli.RunAsync(["appraisal", "--year", "2025", "--branch", "b01", "--format", "pdf", "--out", Path.Combine(year.Dir, "x.xlsx"), .. year.Store]);
        Assert.Equal(2, run.Exit);
        Assert.Contains("--format pdf", run.Errors);
        Assert.False(File.Exists(Path.Combine(year.Dir, "x.xlsx")));
    }

    // PDF text comes without the layout's spaces, and some glyphs map back to compatibility characters (the font's
    // 支 reads as the Kangxi radical ⽀): compare on the characters, NFKC-normalised.
    public static string Squeeze(string text) => Regex.Replace(text.Normalize(System.Text.NormalizationForm.FormKC), @"\s+", "");

    private static WorksheetPart Part(WorkbookPart book, string name) =>
        (WorksheetPart)book.GetPartById(book.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name).Id!);

    private static Dictionary<string, string> Cells(WorkbookPart book, WorksheetPart sheet) =>
        sheet.Worksheet.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!, c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "");

    /// A printed sheet's rows below its header row (the first row opening with 名次 or 日期), as header → cell.
    public static List<Dictionary<string, string>> Printed(SheetTable table)
    {
        var at = table.Rows.ToList().FindIndex(r => r[0] is "名次" or "日期");
        var headers = table.Rows[at].Cells;
        return [.. table.Rows.Skip(at + 1).Select(r => headers.Select((h, i) => (h, r[i])).ToDictionary(x => x.h, x => x.Item2))];
    }
}
