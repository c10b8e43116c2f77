using System.Globalization;
using System.Text;

namespace PointsEngine.Load.Report;

/// docs/PERFORMANCE.md: how the figures were taken, the table, then the notes. The part between the
/// markers is rewritten by each run; text around it (the analysis) is kept.
public static class PerformanceMarkdown
{
    public const string Begin = "<!-- results: begin (written by bench/PointsEngine.Load; edit outside the markers) -->";
    public const string End = "<!-- results: end -->";
    public const string TableHeader = "| # | Measure | Figure | Raw limit (same run) | Ratio | Target (#7) | Met |";

    public static string Results(Results results, MachineInfo machine, MachineInfo before, string command, DateTimeOffset date, TimeSpan took, bool quick)
    {
        var s = new StringBuilder();
        s.AppendLine(Begin);
        s.AppendLine();
        if (quick) s.AppendLine("> **--quick run**: tiny sizes, only proves the harness works. These figures mean nothing.").AppendLine();
        s.AppendLine("| Run | |");
        s.AppendLine("|---|---|");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Command | `{command}` |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Date | {date:yyyy-MM-dd HH:mm} UTC, took {took:h\\:mm\\:ss} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Machine | {machine.Cores} cores, {machine.Cpu}, {machine.Memory} RAM |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| OS, runtime | {machine.Os}; {machine.Runtime} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Load average (1/5/15 min) | {before.LoadAverage} at the start, {machine.LoadAverage} at the end |");
        s.AppendLine();
        s.AppendLine(TableHeader);
        s.AppendLine("|---|---|---|---|---|---|---|");
        var n = 0;
        foreach (var r in results.Rows)
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {++n} | {Cell(r.Measure)} <sub>`{r.Id}`</sub> | {Cell(r.Figure)} | {Cell(r.RawLimit)} | {Cell(r.Ratio)} | {Cell(r.Target)} | {r.VerdictText} |");
        s.AppendLine();
        foreach (var group in results.Notes.GroupBy(x => x.Section))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"**{group.Key}**").AppendLine();
            foreach (var (_, text) in group) s.AppendLine(CultureInfo.InvariantCulture, $"- {text}");
            s.AppendLine();
        }
        s.AppendLine(End);
        return s.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// Writes the results into <paramref name="path"/>: between the markers if the file has them, else as
    /// the whole of a new file with a title.
    public static void Write(string path, string resultsBlock)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (File.Exists(full))
        {
            var text = File.ReadAllText(full);
            var begin = text.IndexOf(Begin, StringComparison.Ordinal);
            var end = text.IndexOf(End, StringComparison.Ordinal);
            if (begin >= 0 && end > begin)
            {
                File.WriteAllText(full, text[..begin] + resultsBlock.TrimEnd('\n', '\r') + text[(end + End.Length)..]);
                return;
            }
        }
        File.WriteAllText(full, "# Performance\n\n" + resultsBlock);
    }

    /// The table's rows parsed back (id → cells), for the smoke test and for tools.
    public static IReadOnlyDictionary<string, string[]> ParseTable(string markdown)
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var inTable = false;
        foreach (var line in markdown.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line == TableHeader) { inTable = true; continue; }
            if (!inTable) continue;
            if (!line.StartsWith('|')) break;
            if (line.StartsWith("|---", StringComparison.Ordinal)) continue;
            var cells = line.Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
            var id = System.Text.RegularExpressions.Regex.Match(line, @"<sub>`([a-z0-9-]+)`</sub>");
            if (id.Success) rows[id.Groups[1].Value] = cells;
        }
        return rows;
    }
}
