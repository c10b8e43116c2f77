using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Engine.Rules;

/// Reads rule-set JSON documents (format in docs/RULES.md) into the domain's RuleSet, reporting every
/// problem with its JSON path at once. Enum values may be written in English (any case) or Chinese
/// ("党员大会", "请假", "流动").
public static class RuleSetDocument
{
    public const string DefaultResourceName = "PointsEngine.Engine.Rules.default-ruleset.json";

    public static RuleSet Parse(string json)
    {
        var (set, problems) = Validate(json);
        return problems.Count == 0 ? set! : throw new RuleSetValidationException(problems);
    }

    /// The published document, checked against the version and date the publication states.
    public static RuleSet Parse(RuleSetPublished published)
    {
        var (set, problems) = Validate(published.Document);
        if (set is not null && set.Version != published.Version)
            problems = [.. problems, new("$.version", $"is '{set.Version}' but was published as '{published.Version}'", $"与发布的版本 '{published.Version}' 不一致")];
        if (set is not null && set.EffectiveFrom != published.EffectiveFrom)
            problems = [.. problems, new("$.effectiveFrom", $"is {set.EffectiveFrom:yyyy-MM-dd} but was published as {published.EffectiveFrom:yyyy-MM-dd}", "与发布的生效日期不一致")];
        return problems.Count == 0 ? set! : throw new RuleSetValidationException(problems);
    }

    public static (RuleSet? RuleSet, IReadOnlyList<RuleSetProblem> Problems) Validate(string json)
    {
        JToken root;
        try
        {
            root = JToken.Parse(json, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
        }
        catch (JsonReaderException e)
        {
            return (null, [new RuleSetProblem("$", $"is not valid JSON: {e.Message}", "不是合法的 JSON")]);
        }
        var reader = new Reader();
        var set = reader.RuleSet(root);
        return reader.Problems.Count == 0 ? (set, []) : (null, reader.Problems);
    }

    public static string DefaultDocument()
    {
        using var stream = typeof(RuleSetDocument).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {DefaultResourceName} is missing.");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }

    public static RuleSet Default() => Parse(DefaultDocument());

    private sealed class Reader
    {
        public List<RuleSetProblem> Problems { get; } = [];

        private void Problem(string path, string english, string chinese) => Problems.Add(new(path, english, chinese));

        public RuleSet? RuleSet(JToken root)
        {
            if (root is not JObject o) { Problem("$", "must be an object", "必须是对象"); return null; }
            Known(o, "$", "version", "effectiveFrom", "name", "description", "baseScore", "total", "categories", "rules", "bonuses", "appraisal");
            var version = Id(o, "version", "$", required: true, s => new RuleSetVersion(s));
            var effective = Date(o, "effectiveFrom", "$");
            var name = Str(o, "name", "$") ?? version?.Value ?? "";
            var baseScore = Pts(o, "baseScore", "$") ?? Points.Zero;
            if (baseScore.IsNegative) Problem("$.baseScore", "must not be negative", "不能为负数");

            IReadOnlyList<Cap> totalCaps = [];
            if (Obj(o, "total", "$") is { } total)
            {
                Known(total, "$.total", "caps");
                totalCaps = Caps(total, "$.total");
            }
            var categories = List(o, "categories", "$", required: false, Category);
            Unique(categories, c => c.Id, "$.categories", "id");
            var categoryIds = categories.Select(c => c.Id).ToHashSet();

            var rules = List(o, "rules", "$", required: true, (t, p) => Rule(t, p, categoryIds));
            if (o["rules"] is JArray { Count: 0 }) Problem("$.rules", "must hold at least one rule", "至少需要一条规则");
            var bonuses = List(o, "bonuses", "$", required: false, (t, p) => Bonus(t, p, categoryIds));
            // Ids as written, so a duplicate is reported even when that rule has other problems.
            var ruleIds = RawIds(o, "rules").Concat(RawIds(o, "bonuses")).ToList();
            Unique(ruleIds, s => s, "$.rules", "id");
            if (ruleIds.Contains(Domain.Scoring.YearScorer.BaseRule)) Problem("$.rules", "the id 'base' is reserved for the base score", "id 'base' 保留给基础分");

            AppraisalScheme? appraisal = null;
            if (Obj(o, "appraisal", "$") is { } a) appraisal = Appraisal(a, "$.appraisal");

            if (Problems.Count > 0 || version is null || effective is null) return null;
            return new RuleSet(version.Value, effective.Value, name, baseScore, totalCaps, categories, rules, bonuses, appraisal);
        }

        private static IEnumerable<string> RawIds(JObject o, string name) =>
            o[name] is JArray a ? a.OfType<JObject>().Select(r => r["id"]).Where(t => t?.Type == JTokenType.String).Select(t => (string)t!) : [];

        private ScoringCategory? Category(JToken t, string path)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "caps");
            var id = Str(o, "id", path, required: true);
            var name = Str(o, "name", path) ?? id ?? "";
            var caps = Caps(o, path);
            return id is null ? null : new ScoringCategory(id, name, caps);
        }

        private Rule? Rule(JToken t, string path, HashSet<string> categories)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "description", "category", "fact", "when", "points", "perUnit", "maxUnitsPerFact", "rounding",
                "levels", "asRecorded", "categoryPoints", "caps");
            var id = Id(o, "id", path, required: true, s => new RuleId(s));
            var name = Str(o, "name", path) ?? id?.Value ?? "";
            var category = Str(o, "category", path, required: true);
            if (category is not null && !categories.Contains(category))
                Problem($"{path}.category", $"'{category}' is not declared in $.categories", $"类别 '{category}' 未在 categories 中声明");
            var fact = Enum<FactKind>(o["fact"], $"{path}.fact", required: true);
            var when = Conditions(o, path, fact);

            var bases = new[] { "points", "perUnit", "levels", "asRecorded" }.Where(k => o[k] is not null).ToList();
            if (bases.Count != 1)
                Problem(path, bases.Count == 0 ? "needs one of points, perUnit, levels or asRecorded" : $"has {string.Join(" and ", bases)}; use exactly one",
                    bases.Count == 0 ? "需要 points、perUnit、levels 或 asRecorded 之一" : "只能使用其中一种计分方式");
            var basis = bases.Count == 1 ? bases[0] : null;
            var amount = Points.Zero;
            IReadOnlyDictionary<string, Points>? levels = null;
            decimal? maxUnits = null;
            var rounding = Domain.Rules.Rounding.Cents;
            PointsBasis kind = PointsBasis.Fixed;
            switch (basis)
            {
                case "points":
                    amount = Pts(o, "points", path) ?? Points.Zero;
                    break;
                case "perUnit":
                    kind = PointsBasis.PerUnit;
                    amount = Pts(o, "perUnit", path) ?? Points.Zero;
                    if (fact is not null and not FactKind.VolunteerService)
                        Problem($"{path}.perUnit", "applies to volunteerService facts only (hours)", "仅适用于志愿服务（按小时）");
                    maxUnits = Num(o, "maxUnitsPerFact", path);
                    if (maxUnits is <= 0) Problem($"{path}.maxUnitsPerFact", "must be greater than 0", "必须大于 0");
                    if (Obj(o, "rounding", path) is { } r) rounding = Rounding(r, $"{path}.rounding") ?? rounding;
                    break;
                case "levels":
                    kind = PointsBasis.LevelTable;
                    levels = Levels(o, path, fact);
                    break;
                case "asRecorded":
                    kind = PointsBasis.AsRecorded;
                    if (o["asRecorded"] is not JValue { Type: JTokenType.Boolean, Value: true })
                        Problem($"{path}.asRecorded", "must be true", "必须为 true");
                    if (fact is not null and not FactKind.Adjustment)
                        Problem($"{path}.asRecorded", "applies to adjustment facts only", "仅适用于手工加减分");
                    break;
            }
            if (basis != "perUnit")
                foreach (var key in new[] { "maxUnitsPerFact", "rounding" })
                    if (o[key] is not null) Problem($"{path}.{key}", "applies to perUnit rules only", "仅适用于按单位计分的规则");

            IReadOnlyDictionary<MemberCategory, Points>? categoryPoints = null;
            if (Obj(o, "categoryPoints", path) is { } cp)
            {
                var table = new Dictionary<MemberCategory, Points>();
                foreach (var prop in cp.Properties())
                {
                    var p = Member($"{path}.categoryPoints", prop.Name);
                    if (!ChineseNames.TryParse<MemberCategory>(prop.Name, out var c)) { Problem(p, $"unknown member category; use one of {Names<MemberCategory>()}", "未知的党员类别"); continue; }
                    if (PtsValue(prop.Value, p) is { } v) table[c] = v;
                }
                categoryPoints = table;
            }
            var caps = Caps(o, path);
            if (id is null || category is null || fact is null) return null;
            return new Rule(id.Value, name, category, fact.Value, when, kind, amount, levels, maxUnits, rounding, caps, categoryPoints);
        }

        private RuleConditions Conditions(JObject rule, string path, FactKind? fact)
        {
            if (Obj(rule, "when", path) is not { } w) return RuleConditions.Always;
            var p = $"{path}.when";
            Known(w, p, "meetingKinds", "modes", "attendance", "memberStatuses", "memberCategories", "exemptCategories");
            if (fact is not null and not FactKind.Attendance)
                foreach (var key in new[] { "meetingKinds", "modes", "attendance" })
                    if (w[key] is not null) Problem($"{p}.{key}", "applies to attendance facts only", "仅适用于出勤事实");
            return new RuleConditions(
                EnumList<MeetingKind>(w, "meetingKinds", p),
                EnumList<MeetingMode>(w, "modes", p),
                EnumList<AttendanceStatus>(w, "attendance", p),
                EnumList<MemberStatus>(w, "memberStatuses", p),
                EnumList<MemberCategory>(w, "memberCategories", p),
                EnumList<MemberCategory>(w, "exemptCategories", p));
        }

        private Dictionary<string, Points>? Levels(JObject rule, string path, FactKind? fact)
        {
            var p = $"{path}.levels";
            if (Obj(rule, "levels", path) is not { } table) return null;
            if (fact is not null and not (FactKind.SuggestionAssessment or FactKind.GoldenIdeaAward))
                Problem(p, "applies to suggestionAssessment and goldenIdeaAward facts only", "仅适用于建议评定和金点子评奖");
            var result = new Dictionary<string, Points>();
            foreach (var prop in table.Properties())
            {
                var lp = Member(p, prop.Name);
                string? level = fact switch
                {
                    FactKind.GoldenIdeaAward => ChineseNames.TryParse<GoldenIdeaLevel>(prop.Name, out var g) ? g.ToString() : null,
                    _ => ChineseNames.TryParse<SuggestionLevel>(prop.Name, out var s) ? s.ToString() : null,
                };
                if (level is null)
                {
                    Problem(lp, fact == FactKind.GoldenIdeaAward ? $"unknown award level; use one of {Names<GoldenIdeaLevel>()}" : $"unknown assessment level; use one of {Names<SuggestionLevel>()}",
                        "未知的等级");
                    continue;
                }
                if (PtsValue(prop.Value, lp) is { } v) result[level] = v;
            }
            if (table.Count == 0) Problem(p, "must list at least one level", "至少需要一个等级");
            return result;
        }

        private Rounding? Rounding(JObject r, string path)
        {
            Known(r, path, "step", "mode");
            var step = Num(r, "step", path, required: true);
            if (step is <= 0) Problem($"{path}.step", "must be greater than 0", "必须大于 0");
            var modeText = Str(r, "mode", path, required: true);
            RoundingMode? mode = modeText?.ToLowerInvariant() switch
            {
                "down" or "去尾" => RoundingMode.Down,
                "halfup" or "四舍五入" => RoundingMode.HalfUp,
                "up" or "进一" => RoundingMode.Up,
                null => null,
                _ => null,
            };
            if (modeText is not null && mode is null) Problem($"{path}.mode", "must be down, halfUp or up", "必须是 down（去尾）、halfUp（四舍五入）或 up（进一）");
            return step is > 0 && mode is not null ? new Rounding(step.Value, mode.Value) : null;
        }

        private PeriodBonus? Bonus(JToken t, string path, HashSet<string> categories)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "description", "category", "period", "meetingKinds", "counted", "minMeetings", "points", "exemptCategories");
            var id = Id(o, "id", path, required: true, s => new RuleId(s));
            var name = Str(o, "name", path) ?? id?.Value ?? "";
            var category = Str(o, "category", path, required: true);
            if (category is not null && !categories.Contains(category))
                Problem($"{path}.category", $"'{category}' is not declared in $.categories", $"类别 '{category}' 未在 categories 中声明");
            var period = PeriodOf(o["period"], $"{path}.period");
            var kinds = EnumList<MeetingKind>(o, "meetingKinds", path) ?? System.Enum.GetValues<MeetingKind>();
            var counted = EnumList<AttendanceStatus>(o, "counted", path) ?? [AttendanceStatus.Present, AttendanceStatus.Late];
            var min = Num(o, "minMeetings", path) ?? 1;
            if (min < 1 || min != decimal.Truncate(min)) Problem($"{path}.minMeetings", "must be a whole number of at least 1", "必须是不小于 1 的整数");
            var points = Pts(o, "points", path, required: true);
            var exempt = EnumList<MemberCategory>(o, "exemptCategories", path) ?? [];
            if (id is null || category is null || period is null || points is null) return null;
            return new PeriodBonus(id.Value, name, category, period.Value, kinds, counted, (int)Math.Max(1, min), points.Value, exempt);
        }

        private AppraisalScheme? Appraisal(JObject o, string path)
        {
            Known(o, path, "pointsWeight", "appraisalWeight", "absenceExemptCategories", "grades", "vetoes", "vanguard");
            var appraisalWeight = Num(o, "appraisalWeight", path) ?? 0m;
            var pointsWeight = Num(o, "pointsWeight", path) ?? 1m - appraisalWeight;
            if (pointsWeight is < 0 or > 1) Problem($"{path}.pointsWeight", "must lie between 0 and 1", "必须在 0 到 1 之间");
            if (appraisalWeight is < 0 or > 1) Problem($"{path}.appraisalWeight", "must lie between 0 and 1", "必须在 0 到 1 之间");
            if (appraisalWeight > 0 && pointsWeight + appraisalWeight != 1m)
                Problem(path, $"pointsWeight + appraisalWeight must be 1 (is {pointsWeight + appraisalWeight})", "积分权重与民主评议权重之和必须为 1");
            var exempt = EnumList<MemberCategory>(o, "absenceExemptCategories", path) ?? [];
            var grades = List(o, "grades", path, required: true, Grade);
            if (o["grades"] is JArray { Count: 0 }) Problem($"{path}.grades", "must hold at least one grade", "至少需要一个等级");
            Unique(grades, g => g.Id, $"{path}.grades", "id");
            for (var i = 1; i < grades.Count; i++)
                if (grades[i].MinScore > grades[i - 1].MinScore)
                    Problem($"{path}.grades[{i}].minScore", "grades are listed best first, so minScore must not increase", "等级按从高到低排列，minScore 不能递增");
            var gradeIds = grades.Select(g => g.Id).ToHashSet();
            var vetoes = List(o, "vetoes", path, required: false, (t, p) => Veto(t, p, gradeIds));
            VanguardRule? vanguard = null;
            if (Obj(o, "vanguard", path) is { } v)
            {
                var vp = $"{path}.vanguard";
                Known(v, vp, "topPercent", "minScore", "requireBoth", "eligibleGrades", "topPercentOf");
                var top = Num(v, "topPercent", vp);
                if (top is <= 0 or > 100) Problem($"{vp}.topPercent", "must lie in (0, 100]", "必须大于 0 且不超过 100");
                var min = Num(v, "minScore", vp);
                if (top is null && min is null) Problem(vp, "needs topPercent, minScore or both", "需要 topPercent 或 minScore");
                var both = v["requireBoth"] is JValue { Type: JTokenType.Boolean } b && (bool)b;
                var eligible = StrList(v, "eligibleGrades", vp);
                for (var i = 0; i < eligible.Count; i++)
                    if (!gradeIds.Contains(eligible[i])) Problem($"{vp}.eligibleGrades[{i}]", $"'{eligible[i]}' is not a grade id", "不是已定义的等级");
                // Of whom the top N % is taken (#21); absent, the whole branch, as every rule set before the field meant.
                var of = VanguardPool.Branch;
                switch (Str(v, "topPercentOf", vp))
                {
                    case null or "branch": break;
                    case "eligible": of = VanguardPool.Eligible; break;
                    case var other:
                        Problem($"{vp}.topPercentOf", $"'{other}' must be \"branch\" (the whole branch) or \"eligible\" (members of eligibleGrades)",
                            $"'{other}' 必须是 \"branch\"（全支部党员）或 \"eligible\"（等级属于 eligibleGrades 的党员）");
                        break;
                }
                vanguard = new VanguardRule(top, min, both, eligible, of);
            }
            return new AppraisalScheme(pointsWeight, appraisalWeight, grades, vetoes, vanguard, exempt);
        }

        private GradeBand? Grade(JToken t, string path)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "minScore", "requires");
            var id = Str(o, "id", path, required: true);
            var name = Str(o, "name", path) ?? id ?? "";
            var min = Num(o, "minScore", path, required: true);
            var requires = List(o, "requires", path, required: false, Condition);
            return id is null || min is null ? null : new GradeBand(id, name, min.Value, requires);
        }

        private Veto? Veto(JToken t, string path, HashSet<string> grades)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "when", "bars");
            var id = Str(o, "id", path, required: true);
            var name = Str(o, "name", path) ?? id ?? "";
            var when = o["when"] is { } w ? Condition(w, $"{path}.when") : null;
            if (o["when"] is null) Problem($"{path}.when", "is required", "必填");
            var bars = Str(o, "bars", path, required: true);
            if (bars is not null && !grades.Contains(bars)) Problem($"{path}.bars", $"'{bars}' is not a grade id", "不是已定义的等级");
            return id is null || when is null || bars is null ? null : new Veto(id, name, when, bars);
        }

        private MetricCondition? Condition(JToken t, string path)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "metric", "atLeast", "atMost");
            var metric = Enum<StandingMetric>(o["metric"], $"{path}.metric", required: true);
            var atLeast = Num(o, "atLeast", path);
            var atMost = Num(o, "atMost", path);
            if (atLeast is null && atMost is null) Problem(path, "needs atLeast, atMost or both", "需要 atLeast 或 atMost");
            return metric is null ? null : new MetricCondition(metric.Value, atLeast, atMost);
        }

        private IReadOnlyList<Cap> Caps(JObject owner, string path)
        {
            var caps = List(owner, "caps", path, required: false, (t, p) =>
            {
                if (t is not JObject o) { Problem(p, "must be an object", "必须是对象"); return null; }
                Known(o, p, "period", "max", "min");
                var period = PeriodOf(o["period"], $"{p}.period");
                var max = Pts(o, "max", p);
                var min = Pts(o, "min", p);
                if (max is null && min is null) Problem(p, "needs max, min or both", "需要 max（上限）或 min（下限）");
                if (max is { IsNegative: true }) Problem($"{p}.max", "must not be negative", "不能为负数");
                if (max is { } hi && min is { } lo && lo > hi) Problem(p, "min must not exceed max", "下限不能大于上限");
                return period is null ? null : new Cap(period.Value, max, min);
            });
            return caps;
        }

        private PeriodKind? PeriodOf(JToken? t, string path)
        {
            if (t is null) { Problem(path, "is required", "必填"); return null; }
            var text = t.Type == JTokenType.String ? (string?)t : null;
            switch (text?.ToLowerInvariant())
            {
                case "month" or "月": return PeriodKind.Month;
                case "quarter" or "季度": return PeriodKind.Quarter;
                case "year" or "年": return PeriodKind.Year;
                default: Problem(path, "must be month, quarter or year", "必须是 month（月）、quarter（季度）或 year（年）"); return null;
            }
        }

        // ---- primitives ----

        // JSONPath as Newtonsoft writes it (JToken.Path): $.levels.一般, but $['a b'] for names with
        // characters JSONPath reserves.
        private static readonly char[] Reserved = ['.', ' ', '\'', '/', '"', '[', ']', '(', ')', '\t', '\n', '\r', '\f', '\b', '\\', '\u0085', '\u2028', '\u2029'];

        private static string Member(string path, string name) =>
            name.IndexOfAny(Reserved) < 0 ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

        private void Known(JObject o, string path, params string[] names)
        {
            foreach (var prop in o.Properties())
                if (Array.IndexOf(names, prop.Name) < 0)
                    Problem(Member(path, prop.Name), $"unknown property; expected one of {string.Join(", ", names)}", "未知属性");
        }

        private JObject? Obj(JObject o, string name, string path)
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null) return null;
            if (t is JObject obj) return obj;
            Problem($"{path}.{name}", "must be an object", "必须是对象");
            return null;
        }

        private List<T> List<T>(JObject o, string name, string path, bool required, Func<JToken, string, T?> item) where T : class
        {
            var t = o[name];
            var result = new List<T>();
            if (t is null || t.Type == JTokenType.Null)
            {
                if (required) Problem($"{path}.{name}", "is required", "必填");
                return result;
            }
            if (t is not JArray array) { Problem($"{path}.{name}", "must be an array", "必须是数组"); return result; }
            for (var i = 0; i < array.Count; i++)
                if (item(array[i], $"{path}.{name}[{i}]") is { } value) result.Add(value);
            return result;
        }

        private void Unique<T>(IEnumerable<T> items, Func<T, string> key, string path, string field)
        {
            foreach (var dup in items.GroupBy(key).Where(g => g.Count() > 1))
                Problem(path, $"{field} '{dup.Key}' is used more than once", $"{field} '{dup.Key}' 重复");
        }

        private string? Str(JObject o, string name, string path, bool required = false)
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null)
            {
                if (required) Problem($"{path}.{name}", "is required", "必填");
                return null;
            }
            if (t.Type != JTokenType.String) { Problem($"{path}.{name}", "must be a string", "必须是字符串"); return null; }
            var s = (string)t!;
            if (required && string.IsNullOrWhiteSpace(s)) { Problem($"{path}.{name}", "must not be empty", "不能为空"); return null; }
            return s;
        }

        private List<string> StrList(JObject o, string name, string path)
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null) return [];
            if (t is not JArray a) { Problem($"{path}.{name}", "must be an array of strings", "必须是字符串数组"); return []; }
            var result = new List<string>();
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i].Type == JTokenType.String) result.Add((string)a[i]!);
                else Problem($"{path}.{name}[{i}]", "must be a string", "必须是字符串");
            }
            return result;
        }

        private T? Id<T>(JObject o, string name, string path, bool required, Func<string, T> make) where T : struct
        {
            var s = Str(o, name, path, required);
            if (s is null) return null;
            try { return make(s); }
            catch (ArgumentException) { Problem($"{path}.{name}", "must be a non-empty identifier without spaces (at most 128 characters)", "必须是不含空白的标识（最多 128 个字符）"); return null; }
        }

        private DateOnly? Date(JObject o, string name, string path)
        {
            var s = Str(o, name, path, required: true);
            if (s is null) return null;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Problem($"{path}.{name}", "must be a date written yyyy-MM-dd", "必须是 yyyy-MM-dd 格式的日期");
            return null;
        }

        private decimal? Num(JObject o, string name, string path, bool required = false)
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null)
            {
                if (required) Problem($"{path}.{name}", "is required", "必填");
                return null;
            }
            return NumValue(t, $"{path}.{name}");
        }

        private decimal? NumValue(JToken t, string path)
        {
            if (t.Type is not (JTokenType.Integer or JTokenType.Float)) { Problem(path, "must be a number", "必须是数字"); return null; }
            try { return t.Value<decimal>(); }
            catch (OverflowException) { Problem(path, "is out of range", "超出范围"); return null; }
        }

        private Points? Pts(JObject o, string name, string path, bool required = false)
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null)
            {
                if (required) Problem($"{path}.{name}", "is required", "必填");
                return null;
            }
            return PtsValue(t, $"{path}.{name}");
        }

        private Points? PtsValue(JToken t, string path)
        {
            if (NumValue(t, path) is not { } n) return null;
            if (decimal.Round(n, Points.Decimals) != n) { Problem(path, "must have at most 2 decimal places", "最多保留两位小数"); return null; }
            if (Math.Abs(n) > Points.Limit) { Problem(path, "is out of range", "超出范围"); return null; }
            return new Points(n);
        }

        private T? Enum<T>(JToken? t, string path, bool required) where T : struct, System.Enum
        {
            if (t is null || t.Type == JTokenType.Null)
            {
                if (required) Problem(path, "is required", "必填");
                return null;
            }
            if (t.Type == JTokenType.String && ChineseNames.TryParse<T>((string)t!, out var value)) return value;
            Problem(path, $"must be one of {Names<T>()}", "取值无效");
            return null;
        }

        private T[]? EnumList<T>(JObject o, string name, string path) where T : struct, System.Enum
        {
            var t = o[name];
            if (t is null || t.Type == JTokenType.Null) return null;
            if (t is not JArray a) { Problem($"{path}.{name}", "must be an array", "必须是数组"); return null; }
            var result = new List<T>();
            for (var i = 0; i < a.Count; i++)
                if (Enum<T>(a[i], $"{path}.{name}[{i}]", required: true) is { } v) result.Add(v);
            if (a.Count == 0) Problem($"{path}.{name}", "must not be empty (leave it out to mean any)", "不能为空数组（省略表示不限）");
            return [.. result];
        }

        private static string Names<T>() where T : struct, System.Enum =>
            string.Join(", ", System.Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
    }
}
