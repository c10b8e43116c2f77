using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using C = PointsEngine.Api.Importing.FactColumns;

namespace PointsEngine.Api.Importing;

public enum LedgerFactType { Meeting, Suggestion, GoldenIdea, Volunteer, Bonus, Deduction }

public sealed partial class ImportPlanner
{
    private static readonly Dictionary<string, LedgerFactType> TypeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["合理化建议"] = LedgerFactType.Suggestion, ["建议"] = LedgerFactType.Suggestion, ["意见建议"] = LedgerFactType.Suggestion,
        ["Suggestion"] = LedgerFactType.Suggestion,
        ["金点子"] = LedgerFactType.GoldenIdea, ["GoldenIdea"] = LedgerFactType.GoldenIdea,
        ["志愿服务"] = LedgerFactType.Volunteer, ["做24小时党员"] = LedgerFactType.Volunteer, ["VolunteerService"] = LedgerFactType.Volunteer,
        ["加分"] = LedgerFactType.Bonus, ["Bonus"] = LedgerFactType.Bonus,
        ["扣分"] = LedgerFactType.Deduction, ["Deduction"] = LedgerFactType.Deduction,
    };

    /// The fact type a 类型 cell names other than a meeting kind, or null.
    internal static LedgerFactType? TypeOf(string text) => TypeNames.TryGetValue(text, out var type) ? type : null;

    private (LedgerFactType Type, MeetingKind? Kind)? ParseType(RowReader r)
    {
        if (r.Code(C.Type) is not { } text)
        {
            r.Missing(C.Type, "“类型”不能为空", "'类型' (type) must not be empty");
            return null;
        }
        if (ChineseNames.TryParse<MeetingKind>(text, out var kind)) return (LedgerFactType.Meeting, kind);
        if (TypeNames.TryGetValue(text, out var type)) return (type, null);
        r.Problem(C.Type, "unknown-type",
            $"未知的类型“{text}”，可选：支委会、党员大会、党小组会、党课、主题党日、组织生活会、合理化建议、金点子、志愿服务、加分、扣分",
            $"unknown type '{text}'; use a meeting kind (支委会, 党员大会, 党小组会, 党课, 主题党日, 组织生活会), 合理化建议, 金点子, 志愿服务, 加分 or 扣分");
        return null;
    }

    /// The member a row is about: by 党员编号 (the name must match), else by a name unique in the branch.
    private MemberEntry? ResolveMember(RowReader r, MemberId? id, string name, BranchId? branch, DateOnly? on)
    {
        if (id is { } given)
        {
            if (!_org.Members.TryGetValue(given, out var member))
            {
                r.Problem(C.MemberId, "unknown-member", $"党员 {given} 不存在（请先导入名册）", $"member {given} is not enrolled (import the roster first)");
                return null;
            }
            if (member.Name != name)
                r.Problem(C.Name, "name-mismatch", $"姓名“{name}”与党员 {given} 登记的“{member.Name}”不符", $"the name '{name}' does not match '{member.Name}' enrolled as {given}");
            return member;
        }
        var candidates = _org.Members.Values.Where(m => m.Name == name && (branch is null || on is null || m.BranchOn(on.Value) == branch)).Take(2).ToList();
        if (candidates.Count == 1) return candidates[0];
        if (candidates.Count == 0)
            r.Problem(C.Name, "unknown-member", $"找不到名为“{name}”的党员", $"no member named '{name}' is enrolled");
        else
            r.Problem(C.MemberId, "ambiguous-name", $"有多位党员名为“{name}”，请填写党员编号", $"several members are named '{name}'; give the member id");
        return null;
    }

    private async Task PlanFactAsync(LedgerRow row, ImportPlan plan, List<AttendanceLine> lines, CancellationToken ct)
    {
        var r = new RowReader(row);
        r.CheckMerges();
        var date = r.Date(C.Date);
        var name = r.Text(C.Name, max: 50);
        var id = r.Id<MemberId>(C.MemberId, required: false);
        var type = ParseType(r);
        var branch = r.Id<BranchId>(C.Branch, required: false);
        if (branch is { } bb && !_org.Branches.ContainsKey(bb))
            r.Problem(C.Branch, "unknown-branch", $"支部 {bb} 不存在", $"branch {bb} is not registered");
        var member = name is null ? null : ResolveMember(r, id, name, branch, date);

        if (type?.Type == LedgerFactType.Meeting)
        {
            PlanAttendance(r, type.Value.Kind!.Value, date, branch, member, lines);
            return;
        }

        var text = r.Text(C.Text, max: 200);
        var reviewerGiven = r.Text(C.Reviewer, required: false, max: 100);
        var reviewer = reviewerGiven ?? operatorName;
        // Every cell is read whatever else is wrong with the row, so all of its problems are listed at once.
        SuggestionLevel? suggestionLevel = null;
        GoldenIdeaLevel? ideaLevel = null;
        DateOnly? assessedOn = null, implementedOn = null;
        decimal? quantity = null;
        switch (type?.Type)
        {
            case LedgerFactType.Suggestion:
                suggestionLevel = r.Enum<SuggestionLevel>(C.Level, required: false);
                assessedOn = r.Date(C.AssessedOn, required: false);
                if (r.Raw(C.Level) is null && assessedOn is not null)
                    r.Problem(C.Level, "level-missing", "填写了评定日期但没有评定等级", "an assessment date is given without a level");
                break;
            case LedgerFactType.GoldenIdea:
                ideaLevel = r.Enum<GoldenIdeaLevel>(C.Level, required: false);
                assessedOn = r.Date(C.AssessedOn, required: false);
                implementedOn = r.Date(C.ImplementedOn, required: false);
                if (r.Raw(C.Level) is null && assessedOn is not null)
                    r.Problem(C.Level, "level-missing", "填写了获奖日期但没有获奖等级", "an award date is given without a level");
                break;
            case LedgerFactType.Volunteer:
                quantity = r.Decimal(C.Quantity);
                break;
            case LedgerFactType.Bonus or LedgerFactType.Deduction:
                quantity = r.Decimal(C.Quantity);
                if (quantity is <= 0)
                    r.Problem(C.Quantity, "not-positive", "分值须为正数（扣分请把类型写成“扣分”）", "the points must be positive (write 扣分 as the type for a deduction)");
                else if (quantity is { } p && decimal.Round(p, 2) != p)
                    r.Problem(C.Quantity, "too-many-decimals", "分值最多保留两位小数", "points carry at most two decimal places");
                if (reviewerGiven is null)
                    r.Problem(C.Reviewer, "required", "加分/扣分必须填写审批人", "an adjustment needs its approver in 审核人");
                break;
        }

        List<IFact> facts = [];
        if (type is { Type: var t } && member is not null && date is { } on && text is not null && !r.Any)
        {
            var who = member.Id;
            switch (t)
            {
                case LedgerFactType.Suggestion:
                {
                    var submitted = ImportIds.For("suggestion", who.Value, Day(on), text);
                    facts.Add(new SuggestionSubmitted(submitted, on, who, member.BranchOn(on), text));
                    if (suggestionLevel is { } l)
                        facts.Add(new SuggestionAssessed(ImportIds.For("suggestion-assessed", submitted.Value), assessedOn ?? on, submitted, who, l, reviewer));
                    break;
                }
                case LedgerFactType.GoldenIdea:
                {
                    var idea = ImportIds.For("golden-idea", who.Value, Day(on), text);
                    facts.Add(new GoldenIdeaSubmitted(idea, on, who, member.BranchOn(on), text));
                    if (ideaLevel is { } l)
                        facts.Add(new GoldenIdeaAwarded(ImportIds.For("golden-idea-awarded", idea.Value), assessedOn ?? on, idea, who, l, reviewer));
                    if (implementedOn is { } done)
                        facts.Add(new GoldenIdeaImplemented(ImportIds.For("golden-idea-implemented", idea.Value), done, idea, who));
                    break;
                }
                case LedgerFactType.Volunteer:
                    facts.Add(new VolunteerServiceLogged(ImportIds.For("volunteer", who.Value, Day(on), text), on, who, quantity!.Value, text, reviewer));
                    break;
                default:
                {
                    var sign = t == LedgerFactType.Bonus ? "+" : "-";
                    facts.Add(new ManualAdjustment(ImportIds.For("adjustment", who.Value, Day(on), sign, text), on, who,
                        new Points(t == LedgerFactType.Bonus ? quantity!.Value : -quantity!.Value), text, reviewerGiven!));
                    break;
                }
            }
        }
        if (!r.Any)
            foreach (var fact in facts)
                Check(r, fact, _org, (field, _) => field switch
                {
                    "member" => C.MemberId,
                    "occurredOn" => fact is SuggestionAssessed or GoldenIdeaAwarded ? (r.Raw(C.AssessedOn) is null ? C.Date : C.AssessedOn)
                        : fact is GoldenIdeaImplemented ? C.ImplementedOn : C.Date,
                    "hours" or "points" => C.Quantity,
                    "reason" => C.Text,
                    "approver" => C.Reviewer,
                    _ => null,
                });
        if (r.Any)
        {
            plan.Reject(row, r.Problems);
            return;
        }
        if (await NewFactsAsync(r, facts, reviewerGiven is null, ct).ConfigureAwait(false) is not { } fresh)
        {
            plan.Reject(row, r.Problems);
            return;
        }
        Add(plan, plan.Facts, [row], fresh);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
