using System.Globalization;
using System.Text.RegularExpressions;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Scoring;
using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

/// Why a ledger line has its points, in the reader's words (#21): the rule's own name, what happened, what was
/// counted, what was granted and why not more, who recorded it, and for a revocation or a correction the reason.
/// Built once, by <see cref="LineExplanations.Explain"/>, and read by the member's page, the evidence report, the
/// workbook, the CSV and the printable documents alike. Ids appear only in <see cref="Trace"/> (追溯).
public sealed record LineExplanation(string Rule, string Happened, IReadOnlyList<string> Details, string Recorder, string Trace)
{
    /// One line: the rule's name and what happened, e.g. 「参加党小组会 +3：2025-03-10 党小组会（线下）：学习党章，出席」.
    public string Short => Happened.Length == 0 ? Rule : $"{Rule}：{Happened}";

    /// The short text followed by every detail, separated by 「；」 (what a table cell holds).
    public string Text => Details.Count == 0 ? Short : $"{Short}；{string.Join("；", Details)}";

    // Equal by what it says: the read models are compared with a naive computation and with a rebuild (the
    // projection laws), and a record would compare the Details list by reference.
    public bool Equals(LineExplanation? other) =>
        other is not null && Rule == other.Rule && Happened == other.Happened && Details.SequenceEqual(other.Details)
        && Recorder == other.Recorder && Trace == other.Trace;

    public override int GetHashCode() => HashCode.Combine(Rule, Happened, Details.Count, Recorder, Trace);
}

/// What the explanation of a member's lines needs besides the lines: the rule sets (rule and cap names), the
/// names of the people who recorded facts, and for each fact the member's attendance and the hours logged.
public sealed record ExplanationContext(
    RuleBook Rules,
    IReadOnlyDictionary<string, string> CategoryNames,
    IReadOnlyDictionary<string, string> RecorderNames)
{
    public static readonly ExplanationContext None = new(RuleBook.Empty, new Dictionary<string, string>(), new Dictionary<string, string>());

    public string NameOf(string recordedBy) => RecorderNames.GetValueOrDefault(recordedBy, recordedBy);
}

public static partial class LineExplanations
{
    public const string RuleEngine = "系统按规则计算";
    public const string Noted = "noted";

    /// The explanation of each line, in the lines' order. A line's cap note is told with what filled the cap when the
    /// line was decided: each other award's latest change decided by then and dated on or before the line.
    public static IReadOnlyList<LineExplanation> Explain(IReadOnlyList<EvidenceLine> lines, ExplanationContext context)
    {
        var result = new LineExplanation[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            IEnumerable<(EvidenceLine Line, decimal Granted)> before = [];
            if (line.CapNote is not null)
            {
                var latest = new Dictionary<string, EvidenceLine>(StringComparer.Ordinal);
                for (var j = 0; j < lines.Count; j++)
                {
                    var other = lines[j];
                    if (other.Change == Noted || other.AwardId == line.AwardId || other.OccurredOn > line.OccurredOn) continue;
                    if (other.DecidedAt > line.DecidedAt || (other.DecidedAt == line.DecidedAt && j > i)) continue;
                    if (!latest.TryGetValue(other.AwardId, out var seen) || seen.DecidedAt <= other.DecidedAt) latest[other.AwardId] = other;
                }
                before = latest.Values.Select(l => (l, l.Granted));
            }
            result[i] = Explain(line, before, context);
        }
        return result;
    }

    private static LineExplanation Explain(EvidenceLine line, IEnumerable<(EvidenceLine Line, decimal Granted)> before, ExplanationContext context)
    {
        var set = context.Rules.Find(line.Version);
        var rule = set?.Rules.FirstOrDefault(r => r.Id == line.Rule);
        var bonus = set?.Bonuses.FirstOrDefault(b => b.Id == line.Rule);
        var f = line.Fact;
        var details = new List<string>();

        string title;
        string happened;
        if (line.Change == Noted)
        {
            title = f?.Attendance switch
            {
                AttendanceStatus.Excused => "请假（不计分、不扣分）",
                AttendanceStatus.Absent => "缺席（按规则免扣）",
                { } status => $"{ChineseNames.Of(status)}（无对应计分规则）",
                _ => "未计分",
            };
            happened = Happening(f);
            details.Add("计 0 分");
        }
        else if (line.Rule.Value == YearScorer.WithdrawnRule)
        {
            // #22: the record's kind is not declared by the rule set in force on its date, so no rule scores it.
            title = $"活动类别已停用（规则集 {line.Version}{(set is null ? "" : $" 自 {set.EffectiveFrom:yyyy-MM-dd} 起")}不再声明此类活动）";
            happened = Happening(f);
        }
        else if (line.Rule.Value == YearScorer.BaseRule)
        {
            title = $"基础分 {Num(set?.BaseScore.Value ?? line.Requested)}";
            happened = $"{line.OccurredOn.Year} 年度基础分，年初（或入册、规则施行时）计入";
        }
        else
        {
            title = rule?.Name ?? bonus?.Name ?? line.CategoryName;
            happened = bonus is not null ? BonusHappening(bonus, line) : Happening(f);
            if (rule is { Basis: PointsBasis.PerUnit } && f?.Hours is { } hours && rule.Amount.Value != 0)
                details.Add(Counted(rule, hours, line.Requested));
        }

        if (line.Change != Noted)
        {
            if (line.Change == "reverted") details.Add($"原计 {Num(line.PreviousGranted ?? 0m)} 分，撤销后计 0 分");
            else if (line.Change != "corrected") details.Add(Granted(line));
            if (line.CapNote is { } note && WhyNotMore(note, line, set, rule, before, context) is { } why) details.Add(why);
        }
        if (line.Change == "reverted") details.Add(Revoked(line, context));
        else if (line.Change == "corrected") details.Add($"更正：原计 {Num(line.PreviousGranted ?? 0m)} 分，现计 {Num(line.Granted)} 分，{Because(line.Cause)}");

        var recorder = f is null ? RuleEngine : context.NameOf(f.RecordedBy);
        if (f?.AssessedBy is { } by) recorder = $"{recorder}（评定/核实：{by}）";
        List<string> trace = [$"规则 {line.Rule}", $"规则版本 {line.Version}"];
        if (f is not null) trace.Insert(0, $"事实 {f.FactId}");
        if (line.Change != Noted) trace.Add($"计分项 {line.AwardId}");
        if (f is not null) trace.Add($"登记人 {f.RecordedBy}");
        trace.Add($"原因 {line.Cause}");
        return new LineExplanation(title, happened, details, recorder, string.Join("；", trace));
    }

    private static string Happening(EvidenceFact? f)
    {
        if (f is null) return "";
        var text = $"{f.OccurredOn:yyyy-MM-dd} {f.Summary}";
        return f.Attendance is { } status ? $"{text}，{ChineseNames.Of(status)}" : text;
    }

    private static string BonusHappening(PeriodBonus bonus, EvidenceLine line)
    {
        var period = line.AwardId[(line.AwardId.LastIndexOf('/') + 1)..];
        var name = period.Split('-') switch
        {
            [var y, ['Q', .. var q]] => $"{y} 年第 {q} 季度",
            [var y, var m] when int.TryParse(m, CultureInfo.InvariantCulture, out var month) => $"{y} 年 {month} 月",
            [var y] => $"{y} 年",
            _ => period,
        };
        var kinds = string.Join("、", bonus.MeetingKinds.Select(ChineseNames.Of));
        var counted = string.Join("或", bonus.Counted.Select(ChineseNames.Of));
        return $"{name}所列会议（{kinds}）均{counted}";
    }

    /// "服务 5 小时，计 4 小时（每次最多计 4 小时）": the units the rule counted of those logged.
    private static string Counted(Rule rule, decimal hours, decimal requested)
    {
        var counted = requested / rule.Amount.Value;
        var text = $"服务 {Num(hours)} 小时，计 {Num(counted)} 小时 × {Num(rule.Amount.Value)} 分";
        if (rule.MaxUnitsPerFact is { } max && hours > max) text += $"（每次最多计 {Num(max)} 小时）";
        else if (counted != hours) text += "（按规则取整）";
        return text;
    }

    private static string Granted(EvidenceLine line)
    {
        var points = line.Granted;
        var text = points < 0 ? $"扣 {Num(-points)} 分" : $"计 {Num(points)} 分";
        return line.Requested != points ? $"{text}（按规则应计 {Num(line.Requested)} 分）" : text;
    }

    [GeneratedRegex(@"^(?<what>上限已满 cap reached|保底 floor reached): (?:规则 rule (?<rule>\S+) |类别 category (?<category>\S+) |总分 total )(?<cap>.+): requested")]
    private static partial Regex CapNotePattern();

    /// The cap that held the line back, by its name, and what filled it: the lines of the same year before this
    /// one that count towards it.
    private static string? WhyNotMore(string note, EvidenceLine line, RuleSet? set, Rule? rule, IEnumerable<(EvidenceLine Line, decimal Granted)> before,
        ExplanationContext context)
    {
        var m = CapNotePattern().Match(note);
        if (!m.Success) return note;
        var floor = m.Groups["what"].Value.StartsWith("保底", StringComparison.Ordinal);
        string scope;
        IReadOnlyList<Cap> caps;
        Func<EvidenceLine, bool> counts;
        if (m.Groups["rule"].Success)
        {
            var id = m.Groups["rule"].Value;
            var named = rule is not null && rule.Id.Value == id ? rule : set?.Rules.FirstOrDefault(r => r.Id.Value == id);
            scope = $"「{named?.Name ?? id}」";
            caps = named?.Caps ?? [];
            counts = l => l.Rule.Value == id;
        }
        else if (m.Groups["category"].Success)
        {
            var id = m.Groups["category"].Value;
            scope = $"「{context.CategoryNames.GetValueOrDefault(id, set?.CategoryOf(id)?.Name ?? id)}」类";
            caps = set?.CategoryOf(id)?.Caps ?? [];
            counts = l => l.Category == id;
        }
        else
        {
            scope = "年度总分";
            caps = set?.TotalCaps ?? [];
            counts = _ => true;
        }
        var capText = m.Groups["cap"].Value;
        var cap = caps.FirstOrDefault(c => c.ToString() == capText);
        var period = (cap?.Period ?? PeriodKind.Year) switch { PeriodKind.Month => "每月", PeriodKind.Quarter => "每季度", _ => "每年" };
        var inPeriod = before.Where(b => counts(b.Line) && SamePeriod(b.Line.OccurredOn, line.OccurredOn, cap?.Period ?? PeriodKind.Year)).ToList();
        if (floor)
        {
            var taken = inPeriod.Where(b => b.Granted < 0).ToList();
            var limit = cap?.Min is { } min ? $"最多扣 {Num(-min.Value)} 分" : "有扣分下限";
            return $"未扣足：{scope}{period}{limit}，此前 {taken.Count} 项已扣 {Num(-taken.Sum(b => b.Granted))} 分";
        }
        var filled = inPeriod.Where(b => b.Granted > 0).ToList();
        var max = cap?.Max is { } mx ? $"最多计 {Num(mx.Value)} 分" : "有上限";
        return $"未计足：{scope}{period}{max}，此前 {filled.Count} 项已计 {Num(filled.Sum(b => b.Granted))} 分";
    }

    private static bool SamePeriod(DateOnly a, DateOnly b, PeriodKind kind) => kind switch
    {
        PeriodKind.Month => a.Year == b.Year && a.Month == b.Month,
        PeriodKind.Quarter => a.Year == b.Year && (a.Month - 1) / 3 == (b.Month - 1) / 3,
        _ => a.Year == b.Year,
    };

    private static string Revoked(EvidenceLine line, ExplanationContext context)
    {
        if (line.Fact is { Revocations.Count: > 0 } f)
            return string.Join("；", f.Revocations.Select(r => $"撤销：{r.Reason}（{context.NameOf(r.RecordedBy)}，{r.OccurredOn:yyyy-MM-dd}）"));
        return $"撤销：{Because(line.Cause)}";
    }

    /// The scorer's cause of a re-scoring ("fact f-1 recorded", "rule set v2 published, effective …") in words.
    public static string Because(string cause)
    {
        var words = cause.Split(' ');
        return words switch
        {
            ["fact", _, "recorded"] => "因其后登记的事项重新计算",
            ["fact", _, "revoked", "by", _] => "因事项被撤销重新计算",
            ["rule", "set", var v, "published,", "effective", var d] => $"因积分规则 {v} 发布（{d} 起施行）重新计算",
            ["year", var y, "opened"] => $"{y} 年度开始",
            ["MemberEnrolled", _] => "因党员入册计算",
            ["MemberTransferred", _] => "因组织关系转接重新计算",
            ["MemberLeft", _] => "因离开组织重新计算",
            ["MemberCategoryChanged", _] => "因党员类别变更重新计算",
            ["MemberStatusChanged", _] => "因党员身份变更重新计算",
            _ => "按规则重新计算",
        };
    }

    private static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
