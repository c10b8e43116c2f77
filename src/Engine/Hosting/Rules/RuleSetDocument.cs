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
            Known(o, "$", "version", "effectiveFrom", "name", "description", "baseScore", "total", "categories", "kinds", "rules", "bonuses", "appraisal");
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

            var kinds = List(o, "kinds", "$", required: false, Kind);
            Unique(RawIds(o, "kinds"), k => k, "$.kinds", "id");
            var kindTable = kinds.GroupBy(k => k.Id).ToDictionary(g => g.Key, g => g.First());

            var rules = List(o, "rules", "$", required: true, (t, p) => Rule(t, p, categoryIds, kindTable));
            if (o["rules"] is JArray { Count: 0 }) Problem("$.rules", "must hold at least one rule", "至少需要一条规则");
            var bonuses = List(o, "bonuses", "$", required: false, (t, p) => Bonus(t, p, categoryIds));
            // Ids as written, so a duplicate is reported even when that rule has other problems.
            var ruleIds = RawIds(o, "rules").Concat(RawIds(o, "bonuses")).ToList();
            Unique(ruleIds, s => s, "$.rules", "id");
            if (ruleIds.Contains(Domain.Scoring.YearScorer.BaseRule)) Problem("$.rules", "the id 'base' is reserved for the base score", "id 'base' 保留给基础分");
            if (ruleIds.Contains(Domain.Scoring.YearScorer.WithdrawnRule))
                Problem("$.rules", $"the id '{Domain.Scoring.YearScorer.WithdrawnRule}' is reserved for records of a kind no longer declared",
                    $"id '{Domain.Scoring.YearScorer.WithdrawnRule}' 保留给已停用活动类别的记录");

            AppraisalScheme? appraisal = null;
            if (Obj(o, "appraisal", "$") is { } a) appraisal = Appraisal(a, "$.appraisal");

            if (Problems.Count > 0 || version is null || effective is null) return null;
            return new RuleSet(version.Value, effective.Value, name, baseScore, totalCaps, categories, rules, bonuses, appraisal) { Kinds = kinds };
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

        private Rule? Rule(JToken t, string path, HashSet<string> categories, IReadOnlyDictionary<string, ActivityKind> kinds)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "description", "category", "fact", "kind", "field", "when", "points", "perUnit", "maxUnitsPerFact", "rounding",
                "levels", "bands", "asRecorded", "categoryPoints", "caps");
            var id = Id(o, "id", path, required: true, s => new RuleId(s));
            var name = Str(o, "name", path) ?? id?.Value ?? "";
            var category = Str(o, "category", path, required: true);
            if (category is not null && !categories.Contains(category))
                Problem($"{path}.category", $"'{category}' is not declared in $.categories", $"类别 '{category}' 未在 categories 中声明");
            var fact = Enum<FactKind>(o["fact"], $"{path}.fact", required: true);
            var activity = ActivityOf(o, path, fact, kinds);
            var when = Conditions(o, path, fact, activity);

            var bases = new[] { "points", "perUnit", "levels", "bands", "asRecorded" }.Where(k => o[k] is not null).ToList();
            if (bases.Count != 1)
                Problem(path, bases.Count == 0 ? "needs one of points, perUnit, levels, bands or asRecorded" : $"has {string.Join(" and ", bases)}; use exactly one",
                    bases.Count == 0 ? "需要 points、perUnit、levels、bands 或 asRecorded 之一" : "只能使用其中一种计分方式");
            string? field = null;
            IReadOnlyList<Band>? bands = null;
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
                    if (fact is FactKind.Activity) field = FieldOf(o, path, activity, ActivityFieldType.Number);
                    else if (fact is not null and not FactKind.VolunteerService)
                        Problem($"{path}.perUnit", "applies to volunteerService and declared activity facts only", "仅适用于志愿服务和声明的活动类别");
                    maxUnits = Num(o, "maxUnitsPerFact", path);
                    if (maxUnits is <= 0) Problem($"{path}.maxUnitsPerFact", "must be greater than 0", "必须大于 0");
                    if (Obj(o, "rounding", path) is { } r) rounding = Rounding(r, $"{path}.rounding") ?? rounding;
                    break;
                case "levels":
                    kind = PointsBasis.LevelTable;
                    if (fact is FactKind.Activity)
                    {
                        field = FieldOf(o, path, activity, ActivityFieldType.Level);
                        levels = ActivityLevels(o, path, activity?.Field(field ?? ""));
                    }
                    else levels = Levels(o, path, fact);
                    break;
                case "bands":
                    kind = PointsBasis.Bands;
                    if (fact is not null and not FactKind.Activity)
                        Problem($"{path}.bands", "applies to declared activity facts only", "仅适用于声明的活动类别");
                    else field = FieldOf(o, path, activity, ActivityFieldType.Number);
                    bands = Bands(o, path);
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
            if (o["field"] is not null && (fact is not FactKind.Activity || basis is not ("perUnit" or "levels" or "bands")))
                Problem($"{path}.field", "applies to perUnit, levels and bands rules of a declared activity only", "仅适用于声明的活动类别的按单位、等级和分段计分规则");

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
            return new Rule(id.Value, name, category, fact.Value, when, kind, amount, levels, maxUnits, rounding, caps, categoryPoints)
            {
                Activity = activity?.Id,
                Field = field,
                Bands = bands,
            };
        }

        // ---- declared activity kinds (#22) ----

        private ActivityKind? Kind(JToken t, string path)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "description", "fields", "recordedBy");
            var id = Id(o, "id", path, required: true, s => new RuleId(s))?.Value;
            if (id is not null && System.Enum.TryParse<FactKind>(id, ignoreCase: true, out _))
                Problem($"{path}.id", $"'{id}' is a built-in fact; a declared kind needs its own id", $"'{id}' 是内置事实，声明的活动类别须另取 id");
            var name = Str(o, "name", path, required: true);
            var fields = List(o, "fields", path, required: false, ActivityFieldOf);
            Unique(RawIds(o, "fields"), f => f, $"{path}.fields", "id");
            var recordedBy = new List<ActivityRecorder>();
            var who = StrList(o, "recordedBy", path);
            for (var i = 0; i < who.Count; i++)
            {
                switch (who[i].ToLowerInvariant())
                {
                    case "secretary" or "支部书记" or "书记": recordedBy.Add(ActivityRecorder.Secretary); break;
                    case "member" or "党员" or "党员申报": recordedBy.Add(ActivityRecorder.Member); break;
                    default: Problem($"{path}.recordedBy[{i}]", "must be secretary or member (a member's claim)", "必须是 secretary（支部书记登记）或 member（党员申报）"); break;
                }
            }
            if (o["recordedBy"] is null) recordedBy.Add(ActivityRecorder.Secretary);
            else if (o["recordedBy"] is JArray { Count: 0 }) Problem($"{path}.recordedBy", "must name at least one recorder", "至少需要一种登记人");
            return id is null || name is null ? null : new ActivityKind(id, name, fields, [.. recordedBy.Distinct()]);
        }

        private ActivityField? ActivityFieldOf(JToken t, string path)
        {
            if (t is not JObject o) { Problem(path, "must be an object", "必须是对象"); return null; }
            Known(o, path, "id", "name", "type", "levels", "unit", "required");
            var id = Id(o, "id", path, required: true, s => new RuleId(s))?.Value;
            var name = Str(o, "name", path) ?? id ?? "";
            ActivityFieldType? type = Str(o, "type", path, required: true)?.ToLowerInvariant() switch
            {
                null => null,
                "level" or "等级" => ActivityFieldType.Level,
                "number" or "数量" or "数字" => ActivityFieldType.Number,
                "yesno" or "是否" => ActivityFieldType.YesNo,
                "text" or "文字" => ActivityFieldType.Text,
                var other => Invalid($"{path}.type", $"'{other}' must be level, number, yesNo or text", "必须是 level（等级）、number（数量）、yesNo（是否）或 text（文字）"),
            };
            var levels = StrList(o, "levels", path);
            if (type == ActivityFieldType.Level && levels.Count == 0) Problem($"{path}.levels", "a level field lists its levels", "等级字段须列出等级");
            if (type is not null and not ActivityFieldType.Level && o["levels"] is not null) Problem($"{path}.levels", "applies to level fields only", "仅适用于等级字段");
            Unique(levels, l => l, $"{path}.levels", "level");
            ActivityUnit? unit = null;
            var unitText = Str(o, "unit", path);
            if (type == ActivityFieldType.Number && unitText is null) Problem($"{path}.unit", $"a number field states its unit: {ActivityUnits.All}", $"数量字段须写明单位：{ActivityUnits.All}");
            if (unitText is not null)
            {
                if (type is not null and not ActivityFieldType.Number) Problem($"{path}.unit", "applies to number fields only", "仅适用于数量字段");
                else if (ActivityUnits.TryParse(unitText, out var u)) unit = u;
                else Problem($"{path}.unit", $"'{unitText}' must be one of {ActivityUnits.All}", $"单位 '{unitText}' 无效，可选：{ActivityUnits.All}");
            }
            var required = o["required"] switch
            {
                null => true,
                JValue { Type: JTokenType.Boolean } b => (bool)b,
                _ => Invalid<bool>($"{path}.required", "must be true or false", "必须是 true 或 false"),
            };
            return id is null || type is null ? null : new ActivityField(id, name, type.Value, levels, unit, required);
        }

        private T? Invalid<T>(string path, string english, string chinese)
        {
            Problem(path, english, chinese);
            return default;
        }

        private ActivityFieldType? Invalid(string path, string english, string chinese)
        {
            Problem(path, english, chinese);
            return null;
        }

        /// The kind a rule of fact "activity" scores; "kind" is required there and refused elsewhere.
        private ActivityKind? ActivityOf(JObject rule, string path, FactKind? fact, IReadOnlyDictionary<string, ActivityKind> kinds)
        {
            var id = Str(rule, "kind", path, required: fact == FactKind.Activity);
            if (id is null) return null;
            if (fact is not null and not FactKind.Activity) { Problem($"{path}.kind", "applies to rules of fact \"activity\" only", "仅适用于 fact 为 activity 的规则"); return null; }
            if (kinds.TryGetValue(id, out var kind)) return kind;
            Problem($"{path}.kind", $"'{id}' is not declared in $.kinds", $"活动类别 '{id}' 未在 kinds 中声明");
            return null;
        }

        /// The field a per-unit, level or band rule reads: "field", or the kind's only field of that type.
        private string? FieldOf(JObject rule, string path, ActivityKind? kind, ActivityFieldType type)
        {
            var named = Str(rule, "field", path);
            if (kind is null) return named;
            var typeName = type == ActivityFieldType.Number ? "number" : "level";
            if (named is null)
            {
                var candidates = kind.Fields.Where(f => f.Type == type).ToList();
                if (candidates.Count == 1) return candidates[0].Id;
                Problem($"{path}.field", candidates.Count == 0 ? $"kind '{kind.Id}' has no {typeName} field to score" : $"kind '{kind.Id}' has several {typeName} fields; name one",
                    candidates.Count == 0 ? $"活动类别 '{kind.Id}' 没有可计分的{(type == ActivityFieldType.Number ? "数量" : "等级")}字段" : $"活动类别 '{kind.Id}' 有多个{(type == ActivityFieldType.Number ? "数量" : "等级")}字段，须指明 field");
                return null;
            }
            var field = kind.Field(named);
            if (field is null) Problem($"{path}.field", $"'{named}' is not a field of kind '{kind.Id}'", $"'{named}' 不是活动类别 '{kind.Id}' 的字段");
            else if (field.Type != type) Problem($"{path}.field", $"'{named}' is not a {typeName} field", $"'{named}' 不是{(type == ActivityFieldType.Number ? "数量" : "等级")}字段");
            return named;
        }

        private Dictionary<string, Points>? ActivityLevels(JObject rule, string path, ActivityField? field)
        {
            var p = $"{path}.levels";
            if (Obj(rule, "levels", path) is not { } table) return null;
            var result = new Dictionary<string, Points>();
            foreach (var prop in table.Properties())
            {
                var lp = Member(p, prop.Name);
                if (field is not null && !field.Levels.Contains(prop.Name))
                {
                    Problem(lp, $"'{prop.Name}' is not a declared level of field '{field.Id}'; use one of {string.Join(", ", field.Levels)}",
                        $"'{prop.Name}' 不是字段 '{field.Id}' 声明的等级，可选：{string.Join("、", field.Levels)}");
                    continue;
                }
                if (PtsValue(prop.Value, lp) is { } v) result[prop.Name] = v;
            }
            if (table.Count == 0) Problem(p, "must list at least one level", "至少需要一个等级");
            return result;
        }

        private List<Band>? Bands(JObject rule, string path)
        {
            var bands = List(rule, "bands", path, required: true, (t, p) =>
            {
                if (t is not JObject o) { Problem(p, "must be an object", "必须是对象"); return null; }
                Known(o, p, "from", "to", "points");
                var from = Num(o, "from", p, required: true);
                var to = Num(o, "to", p);
                var points = Pts(o, "points", p, required: true);
                if (from is { } f && to is { } u && u < f) Problem($"{p}.to", "must not be less than from", "不能小于 from");
                return from is null || points is null ? null : new Band(from.Value, to, points.Value);
            });
            if (rule["bands"] is JArray { Count: 0 }) Problem($"{path}.bands", "must hold at least one band", "至少需要一个分段");
            for (var i = 0; i < bands.Count; i++)
                for (var j = 0; j < i; j++)
                    if (bands[i].From <= (bands[j].To ?? decimal.MaxValue) && bands[j].From <= (bands[i].To ?? decimal.MaxValue))
                        Problem($"{path}.bands[{i}]", $"overlaps band {j}", $"与第 {j} 段重叠");
            return bands;
        }

        private RuleConditions Conditions(JObject rule, string path, FactKind? fact, ActivityKind? activity)
        {
            if (Obj(rule, "when", path) is not { } w) return RuleConditions.Always;
            var p = $"{path}.when";
            Known(w, p, "meetingKinds", "modes", "attendance", "memberStatuses", "memberCategories", "exemptCategories", "flags");
            string[]? flags = null;
            if (w["flags"] is not null)
            {
                if (fact is not null and not FactKind.Activity) Problem($"{p}.flags", "applies to declared activity facts only", "仅适用于声明的活动类别");
                var list = StrList(w, "flags", p);
                if (w["flags"] is JArray { Count: 0 }) Problem($"{p}.flags", "must not be empty (leave it out to mean any)", "不能为空数组（省略表示不限）");
                for (var i = 0; i < list.Count; i++)
                {
                    if (activity?.Field(list[i]) is { Type: not ActivityFieldType.YesNo })
                        Problem($"{p}.flags[{i}]", $"'{list[i]}' is not a yes/no field", $"'{list[i]}' 不是是否字段");
                    else if (activity is not null && activity.Field(list[i]) is null)
                        Problem($"{p}.flags[{i}]", $"'{list[i]}' is not a field of kind '{activity.Id}'", $"'{list[i]}' 不是活动类别 '{activity.Id}' 的字段");
                }
                flags = [.. list];
            }
            if (fact is not null and not FactKind.Attendance)
                foreach (var key in new[] { "meetingKinds", "modes", "attendance" })
                    if (w[key] is not null) Problem($"{p}.{key}", "applies to attendance facts only", "仅适用于出勤事实");
            return new RuleConditions(
                EnumList<MeetingKind>(w, "meetingKinds", p),
                EnumList<MeetingMode>(w, "modes", p),
                EnumList<AttendanceStatus>(w, "attendance", p),
                EnumList<MemberStatus>(w, "memberStatuses", p),
                EnumList<MemberCategory>(w, "memberCategories", p),
                EnumList<MemberCategory>(w, "exemptCategories", p),
                flags);
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
