using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Importing;

/// One column of an import file: its Chinese header (what the template writes), other headers accepted
/// for it, whether every row must fill it, and what goes in it (docs/IMPORT.md repeats these).
public sealed record LedgerColumn(string Header, bool Required, string Zh, string En, params string[] Aliases)
{
    public bool Matches(string header) => header == Header || Aliases.Contains(header);

    /// The values the template offers in a drop-down list (data validation), when the column takes one of a
    /// few; other accepted spellings (the English names) are still read.
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// The Chinese names of an enumeration's values, as the template lists them.
    public static IReadOnlyList<string> NamesOf<TEnum>() where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => ChineseNames.OfAny(v) ?? v.ToString())];
}

public enum LedgerKind { Roster, Facts }

/// 党员名册: one row per member; registers the branches, party groups and network zones it names.
public static class RosterColumns
{
    public static readonly LedgerColumn MemberId = new("党员编号", true, "党员的唯一编号（如工号），导入时的主键", "the member's unique id (e.g. staff number): the import's key", "编号");
    public static readonly LedgerColumn Name = new("姓名", true, "党员姓名", "the member's name");
    public static readonly LedgerColumn Branch = new("支部", true, "支部编号（不含空格）；未登记的支部会自动登记", "branch id (no spaces); a branch not yet registered is registered", "支部编号");
    public static readonly LedgerColumn BranchName = new("支部名称", false, "支部全称；新支部默认用支部编号作名称", "the branch's full name; a new branch is named by its id otherwise");
    public static readonly LedgerColumn Group = new("党小组", false, "党小组编号；未登记的党小组会自动登记在该支部下", "party group id; registered under the branch if new", "党小组编号");
    public static readonly LedgerColumn GroupName = new("党小组名称", false, "党小组名称", "the party group's name");
    public static readonly LedgerColumn Zone = new("网络区", false, "网络区编号（可选）", "network zone id (optional)", "网络区编号");
    public static readonly LedgerColumn ZoneName = new("网络区名称", false, "网络区名称", "the network zone's name");
    public static readonly LedgerColumn Status = new("身份", false, "正式党员 / 预备党员（默认正式党员）", "Full / Probationary (正式党员 / 预备党员; default full)", "党员身份") { Choices = LedgerColumn.NamesOf<MemberStatus>() };
    public static readonly LedgerColumn Category = new("类别", false, "普通 / 流动 / 离退休 / 特殊（默认普通）", "Regular / Mobile / Retired / Special (default regular)", "党员类别") { Choices = LedgerColumn.NamesOf<MemberCategory>() };
    public static readonly LedgerColumn Date = new("日期", true, "登记（入册）日期 yyyy-MM-dd", "enrolment date, yyyy-MM-dd", "登记日期", "入册日期");

    public static readonly IReadOnlyList<LedgerColumn> All = [MemberId, Name, Branch, BranchName, Group, GroupName, Zone, ZoneName, Status, Category, Date];
}

/// 积分台账: one row per member per thing that happened. Attendance rows of the same meeting (same
/// 支部, 日期, 类型, 说明, and for 党小组会 the 党小组) form one meeting, imported whole or not at all.
public static class FactColumns
{
    public static readonly LedgerColumn Date = new("日期", true, "发生日期 yyyy-MM-dd（会议日期、建议或金点子提交日期、服务日期）", "date it happened, yyyy-MM-dd (meeting, submission, service)", "发生日期");
    public static readonly LedgerColumn MemberId = new("党员编号", false, "党员编号；留空时按姓名（及支部）查找唯一的党员", "member id; when empty the member is found by name (and branch), which must be unique", "编号");
    public static readonly LedgerColumn Name = new("姓名", true, "党员姓名，须与名册一致", "the member's name, as in the roster");
    public static readonly LedgerColumn Branch = new("支部", false, "会议所属支部（默认该党员当日所在支部）", "the meeting's branch (default: the member's branch on the day)", "支部编号");
    public static readonly LedgerColumn Group = new("党小组", false, "仅党小组会：召开会议的党小组（默认该党员的党小组）", "party-group meetings only: the group that met (default: the member's group)", "党小组编号");
    public static readonly LedgerColumn Type = new("类型", true,
        "支委会 / 党员大会 / 党小组会 / 党课 / 主题党日 / 组织生活会（出勤）, 合理化建议, 金点子, 志愿服务, 加分, 扣分",
        "a meeting kind (attendance), 合理化建议 (suggestion), 金点子 (golden idea), 志愿服务 (volunteer service), 加分 / 扣分 (adjustment)")
    {
        Choices = [.. LedgerColumn.NamesOf<MeetingKind>(), "合理化建议", "金点子", "志愿服务", "加分", "扣分"],
    };
    public static readonly LedgerColumn Attendance = new("出勤", false, "会议行必填：出席 / 请假 / 缺席 / 迟到", "meeting rows: 出席 present, 请假 excused, 缺席 absent, 迟到 late", "出勤情况") { Choices = LedgerColumn.NamesOf<AttendanceStatus>() };
    public static readonly LedgerColumn Mode = new("形式", false, "会议形式：现场 / 线上（默认现场）", "meeting mode: 现场 in person / 线上 online (default in person)", "会议形式") { Choices = LedgerColumn.NamesOf<MeetingMode>() };
    public static readonly LedgerColumn Level = new("等级", false,
        "合理化建议的评定等级（一般 / 有价值 / 重要价值 / 采纳）或金点子的获奖等级（一等奖 / 二等奖 / 三等奖 / 鼓励奖）；留空表示尚未评定",
        "a suggestion's assessed level or a golden idea's award; empty when not yet assessed", "评定等级", "获奖等级")
    {
        Choices = [.. LedgerColumn.NamesOf<SuggestionLevel>(), .. LedgerColumn.NamesOf<GoldenIdeaLevel>()],
    };
    public static readonly LedgerColumn Quantity = new("数量/时长", false, "志愿服务小时数（0–24），或加分/扣分的分值（正数）", "volunteer hours (0–24], or the points of an adjustment (positive)", "数量", "时长", "分值");
    public static readonly LedgerColumn Text = new("说明", true, "会议主题、建议或金点子标题、服务内容、加减分理由", "meeting topic, suggestion or idea title, service activity, adjustment reason", "主题", "内容");
    public static readonly LedgerColumn Reviewer = new("审核人", false, "评定人、评审组、核实人或审批人（加分/扣分必填；其余默认为 --operator）", "assessor, panel, verifier or approver (required for adjustments; else defaults to --operator)", "评定人", "审批人");
    public static readonly LedgerColumn AssessedOn = new("评定日期", false, "建议评定或金点子获奖的日期（默认同日期）", "date of the assessment or award (default: 日期)", "获奖日期");
    public static readonly LedgerColumn ImplementedOn = new("实施日期", false, "金点子实施日期（可选）", "date a golden idea was implemented (optional)");

    public static readonly IReadOnlyList<LedgerColumn> All =
        [Date, MemberId, Name, Branch, Group, Type, Attendance, Mode, Level, Quantity, Text, Reviewer, AssessedOn, ImplementedOn];
}

/// Where an import file's rows are, which kind of ledger it is and which column holds what.
public sealed record LedgerSource(string File, string? Sheet, LedgerKind Kind, SheetRow Header, IReadOnlyDictionary<LedgerColumn, int> Columns)
{
    public string Where => Sheet is null ? System.IO.Path.GetFileName(File) : $"{System.IO.Path.GetFileName(File)}[{Sheet}]";

    /// A members × meetings grid (GridLayout), read as rows of <see cref="GridLayout.Columns"/>.
    public bool IsGrid { get; init; }
}

/// One data row of an import file.
public sealed record LedgerRow(LedgerSource Source, SheetRow Row)
{
    public int Number => Row.Number;

    /// For a row read from a grid's cell: the cells its values came from and the member and meeting it is about.
    public GridCells? Grid { get; init; }

    public string this[LedgerColumn column] => Source.Columns.TryGetValue(column, out var i) ? Row[i] : "";

    /// Whether the column's cell is a formula saved without its computed value.
    public bool IsUncomputedFormula(LedgerColumn column) => Source.Columns.TryGetValue(column, out var i) && Row.UncomputedFormulas.Contains(i);

    /// The range of merged cells the column's text was filled down from, if any.
    public string? MergedFrom(LedgerColumn column) => Source.Columns.TryGetValue(column, out var i) ? Row.MergedFrom.GetValueOrDefault(i) : null;

    public bool IsUnreadableMerge(LedgerColumn column) => Source.Columns.TryGetValue(column, out var i) && Row.UnreadableMerges.ContainsKey(i);

    /// The merged ranges of this row that cannot be read, by column.
    public IEnumerable<(LedgerColumn Column, string Range)> UnreadableMerges =>
        Source.Columns.Where(c => Row.UnreadableMerges.ContainsKey(c.Value)).OrderBy(c => c.Value).Select(c => (c.Key, Row.UnreadableMerges[c.Value]));
}

public static class LedgerLayout
{
    /// Headers that are read past: a running number, remarks, and the reason column of a rejects file, so
    /// a corrected rejects file imports as it is.
    public static readonly IReadOnlyList<string> Ignored = ["序号", "备注", ImportReport.ReasonHeader, ImportReport.OriginalRowHeader];

    /// Sheets a workbook may carry for people (the template's instructions).
    public static readonly IReadOnlyList<string> InstructionSheets = ["填写说明", "说明", "README"];

    /// A sheet's layout and rows: a members × meetings grid (GridLayout) or the one-row-per-fact layout.
    public static (LedgerSource? Source, IReadOnlyList<LedgerRow> Rows, IReadOnlyList<ImportProblem> Problems) Read(string file, SheetTable table, SpreadsheetLimits limits)
    {
        if (GridLayout.Read(file, table, limits) is { } grid) return grid;
        var (source, problems) = Recognise(file, table);
        return (source, source is null ? [] : [.. table.Rows.Where(r => r.Number > source.Header.Number).Select(r => new LedgerRow(source, r))], problems);
    }

    public static IReadOnlyList<LedgerColumn> ColumnsOf(LedgerKind kind) => kind == LedgerKind.Roster ? RosterColumns.All : FactColumns.All;

    /// Finds the header row among the first rows (a title row above it is allowed) and maps the columns.
    /// A sheet with 类型 holds facts; one with 党员编号 and 支部 but no 类型 is a roster.
    public static (LedgerSource? Source, IReadOnlyList<ImportProblem> Problems) Recognise(string file, SheetTable table)
    {
        var where = table.SheetName;
        foreach (var candidate in table.Rows.Take(10))
        {
            var headers = candidate.Cells;
            LedgerKind? kind = headers.Any(FactColumns.Type.Matches) ? LedgerKind.Facts
                : headers.Any(RosterColumns.MemberId.Matches) && headers.Any(RosterColumns.Branch.Matches) ? LedgerKind.Roster
                : null;
            if (kind is not { } k) continue;

            var problems = new List<ImportProblem>();
            var columns = new Dictionary<LedgerColumn, int>();
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i];
                if (header.Length == 0 || Ignored.Contains(header)) continue;
                var column = ColumnsOf(k).FirstOrDefault(c => c.Matches(header));
                if (column is null)
                    problems.Add(new ImportProblem(file, where, candidate.Number, header, "unknown-column",
                        $"无法识别的列“{header}”（可用的列见 docs/IMPORT.md 或 import template）",
                        $"unknown column '{header}' (the columns are listed in docs/IMPORT.md and by import template)"));
                else if (!columns.TryAdd(column, i))
                    problems.Add(new ImportProblem(file, where, candidate.Number, header, "duplicate-column",
                        $"列“{column.Header}”出现了两次", $"the column '{column.Header}' appears twice"));
            }
            foreach (var missing in ColumnsOf(k).Where(c => c.Required && !columns.ContainsKey(c)))
                problems.Add(new ImportProblem(file, where, candidate.Number, missing.Header, "missing-column",
                    $"缺少必填列“{missing.Header}”", $"the required column '{missing.Header}' is missing"));
            return (problems.Count == 0 ? new LedgerSource(file, where, k, candidate, columns) : null, problems);
        }
        if (where is not null && (InstructionSheets.Contains(where) || table.Rows.Count == 0)) return (null, []);
        return (null, [new ImportProblem(file, where, table.Rows.FirstOrDefault()?.Number ?? 1, null, "unrecognised-sheet",
            "未找到表头：党员名册须有“党员编号”“支部”列，积分台账须有“类型”列",
            "no header row found: a roster has the columns 党员编号 and 支部, a ledger of facts has 类型")]);
    }
}
