using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;
using C = PointsEngine.Api.Importing.FactColumns;

namespace PointsEngine.Api.Importing;

/// Where a grid cell's row came from (#19 grid layout): the cell each column's value was read from, the meeting's
/// column, and the member and meeting named in every problem.
public sealed record GridCells(IReadOnlyDictionary<LedgerColumn, string> Cells, string Column, string Mark, string Zh, string En)
{
    public string CellOf(LedgerColumn? column) => column is not null && Cells.TryGetValue(column, out var cell) ? cell : Mark;
}

/// The attendance grid secretaries keep: a sheet of members × meetings, one column per meeting with its date, kind and
/// topic (and mode) in header rows above (or below) the member header row (党员编号, 姓名, 支部, 党小组), and a mark per
/// member in each meeting's column. It is detected by its shape (a 姓名 header without 日期 (登记日期) and 类型 in that row, and a
/// date over a column) and read as the row layout's rows — one row per marked cell — so it gives exactly the facts,
/// the checks and the "whole meeting or nothing" of the row layout. docs/IMPORT.md "Grid layout".
public static class GridLayout
{
    /// The row layout's columns a grid cell is read into, in this order (a grid's rejects file has these headers).
    public static readonly IReadOnlyList<LedgerColumn> Columns = [C.Date, C.MemberId, C.Name, C.Branch, C.Group, C.Type, C.Attendance, C.Mode, C.Text];

    private static readonly LedgerColumn[] MemberColumns = [C.MemberId, C.Name, C.Branch, C.Group];
    private static readonly LedgerColumn[] HeaderFields = [C.Date, C.Type, C.Mode, C.Text];

    /// Marks read as an attendance status besides its names (出席 / 请假 / 缺席 / 迟到 and the English names).
    public static readonly IReadOnlyDictionary<string, AttendanceStatus> Marks = new Dictionary<string, AttendanceStatus>
    {
        ["✓"] = AttendanceStatus.Present, ["✔"] = AttendanceStatus.Present, ["√"] = AttendanceStatus.Present, ["到"] = AttendanceStatus.Present,
        ["假"] = AttendanceStatus.Excused, ["病假"] = AttendanceStatus.Excused, ["事假"] = AttendanceStatus.Excused, ["公假"] = AttendanceStatus.Excused,
        ["○"] = AttendanceStatus.Excused, ["〇"] = AttendanceStatus.Excused,
        ["✗"] = AttendanceStatus.Absent, ["✘"] = AttendanceStatus.Absent, ["×"] = AttendanceStatus.Absent, ["x"] = AttendanceStatus.Absent,
        ["X"] = AttendanceStatus.Absent, ["缺"] = AttendanceStatus.Absent,
        ["迟"] = AttendanceStatus.Late,
    };

    private const int HeaderRowsAtMost = 12;

    private static int Index(LedgerColumn column) => Columns.ToList().IndexOf(column);

    /// A meeting's header value and the cell it is in; Part when the cell holds more (the kind and topic together).
    private sealed record Field(string Text, string Cell, SheetRow Row, int Column)
    {
        public string? Part { get; init; }
    }

    private static string Number(SheetRow row) => row.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly char[] KindSeparators = ['：', ':', ' ', '　', '-', '—', '·', '|', '/', '／'];

    /// A header cell that begins with a meeting kind followed by a separator and a topic ("党员大会：学习…").
    private static (string Kind, string Topic)? KindAndTopic(string text)
    {
        var at = text.IndexOfAny(KindSeparators);
        if (at <= 0) return null;
        var (kind, topic) = (text[..at].Trim(), text[(at + 1)..].Trim(KindSeparators).Trim());
        return topic.Length > 0 && ChineseNames.TryParse<MeetingKind>(RowReader.Normalised(kind), out _) ? (kind, topic) : null;
    }

    /// The grid's rows as row-layout rows, or null when the sheet is not a grid. At most limits.MaxRows marked cells
    /// (Import:MaxRows), so a grid is bounded as a row-layout file is.
    public static (LedgerSource Source, IReadOnlyList<LedgerRow> Rows, IReadOnlyList<ImportProblem> Problems)? Read(string file, SheetTable table, SpreadsheetLimits limits)
    {
        var top = table.Rows.Take(10).ToList();
        var m = top.FindIndex(r => r.Cells.Any(C.Name.Matches) && !r.Cells.Any(t => C.Type.Matches(t) || C.Date.Matches(t) || RosterColumns.Date.Matches(t)));
        if (m < 0 || top.Take(m).Any(r => r.Cells.Any(C.Type.Matches) && r.Cells.Any(C.Date.Matches))) return null;
        var memberRow = top[m];
        var members = new Dictionary<LedgerColumn, int>();
        var notMeetings = new HashSet<int>();
        for (var i = 0; i < memberRow.Cells.Count; i++)
        {
            if (MemberColumns.FirstOrDefault(c => c.Matches(memberRow[i])) is { } column) members.TryAdd(column, i);
            else if (!LedgerLayout.Ignored.Contains(memberRow[i])) continue;
            notMeetings.Add(i);
        }
        // Header rows: every row down to the member header row, and the rows under it that name no member (a second
        // header row, or the member headers merged down over it).
        var last = m;
        while (last + 1 < Math.Min(table.Rows.Count, HeaderRowsAtMost)
               && members.All(c => table.Rows[last + 1][c.Value] is var t && (t.Length == 0 || c.Key.Matches(t) || IsLabel(t))))
            last++;
        var header = table.Rows.Take(last + 1).ToList();
        var width = header.Max(r => r.Cells.Count);
        var labelColumns = Enumerable.Range(0, width).Where(i => !notMeetings.Contains(i)
            && header.Select(r => r[i]).Where(t => t.Length > 0).ToList() is { Count: > 0 } texts && texts.All(IsLabel)).ToHashSet();
        var meetingColumns = Enumerable.Range(0, width).Where(i => !notMeetings.Contains(i) && !labelColumns.Contains(i)
            && header.Any(r => r[i].Length > 0 || r.UncomputedFormulas.Contains(i))).ToList();
        var labels = header.ToDictionary(r => r.Number, r => Enumerable.Range(0, r.Cells.Count)
            .Where(i => notMeetings.Contains(i) || labelColumns.Contains(i)).Select(i => Label(r[i])).FirstOrDefault(l => l is not null));
        var labelled = labels.Values.Any(l => l == C.Date) && labels.Values.Any(l => l == C.Type);

        var problems = new List<ImportProblem>();
        var meetings = new List<(int Column, Dictionary<LedgerColumn, Field> Fields)>();
        var seen = new Dictionary<string, string>();
        foreach (var c in meetingColumns)
        {
            var fields = new Dictionary<LedgerColumn, Field>();
            var twice = false;
            var letter = XlsxFile.ColumnName(c);
            foreach (var r in header)
            {
                var text = r[c];
                if (text.Length == 0 && !r.UncomputedFormulas.Contains(c)) continue;
                var label = labels[r.Number];
                if (label is null && KindAndTopic(text) is var (kind, topic))
                {
                    // "党员大会：学习…" — the kind and the topic in one header cell.
                    fields.TryAdd(C.Type, new Field(kind, letter + Number(r), r, c) { Part = kind });
                    (label, text) = (C.Text, topic);
                }
                var field = label ?? Classify(text);
                if (field == C.Text && text.Length == 0) continue; // an unlabelled formula without a value: nothing to tell
                var cell = letter + Number(r);
                if (fields.TryGetValue(field, out var other) && other.Text != text)
                {
                    twice = true;
                    problems.Add(new ImportProblem(file, table.SheetName, r.Number, cell, "grid-header-twice",
                        $"第 {letter} 列（会议）的表头有两个“{field.Header}”：{other.Cell}“{other.Text}”与 {cell}“{text}”，该列未导入",
                        $"column {letter} (a meeting) has two '{field.Header}' in its header: {other.Cell} '{other.Text}' and {cell} '{text}'; the column was not imported"));
                }
                else fields.TryAdd(field, new Field(text, cell, r, c) { Part = text == r[c] ? null : text });
            }
            if (fields.Count == 0 || twice) continue;
            var key = string.Join("\u001f", HeaderFields.Select(f => fields.GetValueOrDefault(f)?.Text ?? ""));
            if (seen.TryGetValue(key, out var earlier))
            {
                problems.Add(new ImportProblem(file, table.SheetName, header[0].Number, letter, "grid-meeting-twice",
                    $"第 {letter} 列与第 {earlier} 列是同一会议（日期、类型、说明相同），该列未导入；请合并为一列",
                    $"column {letter} is the same meeting as column {earlier} (same date, kind and topic), so it was not imported; merge them into one column"));
                continue;
            }
            seen[key] = letter;
            meetings.Add((c, fields));
        }
        if (meetings.Count == 0 && !labelled) return null;
        if (!meetings.Any(x => x.Fields.ContainsKey(C.Date)) && !labelled) return null;

        var headers = Columns.Select(c => c.Header).ToList();
        var source = new LedgerSource(file, table.SheetName, LedgerKind.Facts, new SheetRow(memberRow.Number, headers),
            Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i)) { IsGrid = true };
        var rows = new List<LedgerRow>();
        foreach (var data in table.Rows.Skip(last + 1))
            foreach (var (c, fields) in meetings)
            {
                if (data[c].Length == 0 && !data.UncomputedFormulas.Contains(c) && !data.UnreadableMerges.ContainsKey(c)) continue;
                if (rows.Count == limits.MaxRows)
                    throw SpreadsheetRefusal.Limit(file, $"工作表 {table.SheetName} 第 {data.Number} 行：", $"sheet {table.SheetName}, row {data.Number}: ",
                        $"网格中填写的出勤单元格超过 {SpreadsheetLimits.N(limits.MaxRows)} 个（Import:MaxRows）",
                        $"the grid holds more than {SpreadsheetLimits.N(limits.MaxRows)} attendance cells (Import:MaxRows)");
                rows.Add(Row(source, data, c, fields, members));
            }
        return (source, rows, problems);
    }

    private static bool IsLabel(string text) => Label(text) is not null;

    private static LedgerColumn? Label(string text) => HeaderFields.FirstOrDefault(f => f.Matches(text));

    /// An unlabelled header cell by what it holds: a date, a meeting kind, a mode, or else the topic.
    private static LedgerColumn Classify(string text)
    {
        var code = RowReader.Normalised(text);
        if (RowReader.ParseDate(code) is not null) return C.Date;
        if (ChineseNames.TryParse<MeetingKind>(code, out _)) return C.Type;
        if (ChineseNames.TryParse<MeetingMode>(code, out _)) return C.Mode;
        return C.Text;
    }

    /// One marked cell as a row of the row layout, with every cell's origin kept (merges, formulas, references).
    private static LedgerRow Row(LedgerSource source, SheetRow data, int column, Dictionary<LedgerColumn, Field> fields, Dictionary<LedgerColumn, int> members)
    {
        var number = data.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var letter = XlsxFile.ColumnName(column);
        var cells = new string[Columns.Count];
        var refs = new Dictionary<LedgerColumn, string>();
        var formulas = new HashSet<int>();
        var merged = new Dictionary<int, string>();
        var unreadable = new Dictionary<int, string>();
        void From(int i, SheetRow row, int at, string cell, string? part = null)
        {
            cells[i] = part ?? row[at];
            refs[Columns[i]] = cell;
            if (row.UncomputedFormulas.Contains(at)) formulas.Add(i);
            if (row.MergedFrom.TryGetValue(at, out var range)) merged[i] = range;
            if (row.UnreadableMerges.TryGetValue(at, out var bad)) unreadable[i] = bad;
        }
        var firstHeader = letter + (fields.Values.Select(f => f.Row.Number).DefaultIfEmpty(data.Number).Min()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Columns.Count; i++)
        {
            var col = Columns[i];
            cells[i] = "";
            if (col == C.Attendance) From(i, data, column, letter + number);
            else if (members.TryGetValue(col, out var at)) From(i, data, at, XlsxFile.ColumnName(at) + number);
            else if (fields.TryGetValue(col, out var field)) From(i, field.Row, field.Column, field.Cell, field.Part);
            else refs[col] = HeaderFields.Contains(col) ? firstHeader : letter + number;
        }
        var (attendance, id, name, date, kind, text) = (Index(C.Attendance), Index(C.MemberId), Index(C.Name), Index(C.Date), Index(C.Type), Index(C.Text));
        var mark = RowReader.Normalised(cells[attendance]);
        if (!ChineseNames.TryParse<AttendanceStatus>(mark, out _) && Marks.TryGetValue(mark, out var status)) cells[attendance] = ChineseNames.Of(status);

        var who = cells[id].Length > 0 ? $"{cells[name]}（{cells[id]}）" : cells[name];
        var whoEn = cells[id].Length > 0 ? $"{cells[name]} ({cells[id]})" : cells[name];
        var topic = cells[text].Length <= 20 ? cells[text] : cells[text][..20] + "…";
        var meeting = string.Join(" ", new[] { cells[date], cells[kind] }.Where(t => t.Length > 0));
        var grid = new GridCells(refs, letter, letter + number,
            $"党员 {who}，第 {letter} 列会议 {meeting}「{topic}」",
            $"member {whoEn}, the meeting of column {letter}: {meeting} '{topic}'");
        var row = new SheetRow(data.Number, cells) { UncomputedFormulas = formulas, MergedFrom = merged, UnreadableMerges = unreadable };
        return new LedgerRow(source, row) { Grid = grid };
    }
}
