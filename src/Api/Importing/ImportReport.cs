using System.Text.RegularExpressions;
using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Importing;

/// The rejects file: the rejected rows exactly as they were, in the input's format and columns, with the
/// reasons in a 原因 column, so a person fixes them there and imports the file again (原因 is ignored).
public static class ImportReport
{
    public const string ReasonHeader = "原因";
    public const string OriginalRowHeader = "原行号";

    public static string RejectsPathFor(string file, string? directory) => Path.Combine(
        directory ?? Path.GetDirectoryName(Path.GetFullPath(file))!,
        Path.GetFileNameWithoutExtension(file) + ".rejects" + Path.GetExtension(file));

    /// Writes one rejects file per input file with rejected rows; removes a stale one where none are left.
    public static IReadOnlyList<string> WriteRejects(ImportPlan plan, IReadOnlyList<string> files, string? directory)
    {
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = RejectsPathFor(file, directory);
            var sheets = plan.Rejected.Where(kv => kv.Key.Source.File == file)
                .GroupBy(kv => kv.Key.Source.Sheet)
                .Select(g => Sheet(g.First().Key.Source, g.OrderBy(kv => kv.Key.Number).Select(kv => (kv.Key, (IReadOnlyList<ImportProblem>)kv.Value))))
                .ToList();
            if (sheets.Count == 0)
            {
                if (File.Exists(path)) File.Delete(path);
                continue;
            }
            if (directory is not null) Directory.CreateDirectory(directory);
            Spreadsheet.Write(path, sheets);
            written.Add(path);
        }
        return written;
    }

    /// #19 problem 5: the rejects file's own rows are numbered as they are (header row 1, rows from 2); the 原行号
    /// column keeps each row's number in the input, and a reason naming another row names it by this file's
    /// number (with the original's), so "fix row N" points at a row that exists here.
    private static OutputSheet Sheet(LedgerSource source, IEnumerable<(LedgerRow Row, IReadOnlyList<ImportProblem> Problems)> rows)
    {
        var input = source.Header.Cells.ToList();
        var kept = Enumerable.Range(0, input.Count).Where(i => input[i] != OriginalRowHeader).ToList();
        var headers = new List<string> { OriginalRowHeader };
        headers.AddRange(kept.Select(i => input[i]));
        var reason = headers.IndexOf(ReasonHeader);
        if (reason < 0)
        {
            reason = headers.Count;
            headers.Add(ReasonHeader);
        }
        var list = rows.ToList();
        // (A grid gives several rows of one input row; their reasons name cells, not rows, and cite none.)
        var here = list.Select((r, i) => (r.Row.Number, Here: i + 2)).DistinctBy(r => r.Number).ToDictionary(r => r.Number, r => r.Here);
        var output = new List<IReadOnlyList<object?>>();
        foreach (var (row, problems) in list)
        {
            var cells = new object?[headers.Count];
            cells[0] = row.Number;
            for (var k = 0; k < kept.Count; k++) cells[k + 1] = row.Row[kept[k]];
            cells[reason] = string.Join("；", problems.Select(p => Reason(p, here)));
            output.Add(cells);
        }
        return new OutputSheet(source.Sheet ?? "rejects", headers, output);
    }

    private static string Reason(ImportProblem p, IReadOnlyDictionary<int, int> here)
    {
        var (zh, en) = (p.Zh, p.En);
        if (p.Cites is { } n)
        {
            var (hereZh, hereEn) = here.TryGetValue(n, out var m) ? ($"第 {m} 行（原行号 {n}）", $"row {m} (original row {n})") : ($"原第 {n} 行", $"original row {n}");
            zh = zh.Replace($"第 {n} 行", hereZh, StringComparison.Ordinal);
            en = Regex.Replace(en, $@"\brow {n}\b", hereEn, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        return $"{(p.Column is null ? "" : p.Column + "：")}{zh} / {en}";
    }
}
