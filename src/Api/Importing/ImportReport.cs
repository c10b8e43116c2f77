using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Importing;

/// The rejects file: the rejected rows exactly as they were, in the input's format and columns, with the
/// reasons in a 原因 column, so a person fixes them there and imports the file again (原因 is ignored).
public static class ImportReport
{
    public const string ReasonHeader = "原因";

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

    private static OutputSheet Sheet(LedgerSource source, IEnumerable<(LedgerRow Row, IReadOnlyList<ImportProblem> Problems)> rows)
    {
        var headers = source.Header.Cells.ToList();
        var reason = headers.IndexOf(ReasonHeader);
        if (reason < 0)
        {
            reason = headers.Count;
            headers.Add(ReasonHeader);
        }
        var output = new List<IReadOnlyList<object?>>();
        foreach (var (row, problems) in rows)
        {
            var cells = Enumerable.Range(0, headers.Count).Select(i => (object?)row.Row[i]).ToArray();
            cells[reason] = string.Join("；", problems.Select(p => $"{(p.Column is null ? "" : p.Column + "：")}{p.Zh} / {p.En}"));
            output.Add(cells);
        }
        return new OutputSheet(source.Sheet ?? "rejects", headers, output);
    }
}
