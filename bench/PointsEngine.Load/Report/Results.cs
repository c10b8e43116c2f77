using System.Collections.Concurrent;

namespace PointsEngine.Load.Report;

/// What the suite measured: the table's rows, the figures later sections compare against, and notes
/// (profiles, breakdowns, caveats) printed under the table.
public sealed class Results
{
    private readonly ConcurrentDictionary<string, ResultRow> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _figures = new(StringComparer.Ordinal);
    private readonly List<(string Section, string Text)> _notes = [];

    public IReadOnlyList<ResultRow> Rows =>
        [.. RowIds.All.Select(id => _rows.TryGetValue(id, out var r) ? r : null).OfType<ResultRow>(),
            .. _rows.Values.Where(r => !RowIds.All.Contains(r.Id)).OrderBy(r => r.Id, StringComparer.Ordinal)];

    public IReadOnlyList<(string Section, string Text)> Notes { get { lock (_notes) return [.. _notes]; } }

    public void Add(ResultRow row) => _rows[row.Id] = row;

    public bool Has(string id) => _rows.ContainsKey(id);

    public void Figure(string name, double value) => _figures[name] = value;

    public double? FigureOf(string name) => _figures.TryGetValue(name, out var v) ? v : null;

    public void Note(string section, string text) { lock (_notes) _notes.Add((section, text)); }

    /// A row for a measure that could not be taken in this run (section skipped or failed), so the table
    /// always has every row and says why one is empty.
    public void Missing(string id, string measure, string target, string why) =>
        _rows.TryAdd(id, new ResultRow(id, measure, $"not measured ({why})", "—", "—", target, Verdict.Reported));
}
