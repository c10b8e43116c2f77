using System.CommandLine;
using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Features;
using PointsEngine.Api.Importing;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Commands;

/// `pointsengine facts list|revoke|amend` (#19): the record list on the command line, and corrections of a
/// recorded fact found by the natural key an import row has (kind, date, branch or member, party group,
/// topic) or by its id — whether an import, a page or the API recorded it. The same checks as the API's
/// (Amendments, FactConsistency); running the same command again writes nothing.
public static class FactsCommand
{
    public const string Name = "facts";
    private const int Limit = 5000;

    public static Command Create(CliConsole console) =>
        new(Name, "查找、撤销、更正已登记的记录（台账） / find, revoke and correct recorded facts (the record list)")
        {
            List(console), Revoke(console), Amend(console),
        };

    private static Option<string?> Text(string name, string description, string help) => new(name) { Description = description, HelpName = help };

    private static Option<DateOnly?> Day(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "yyyy-MM-dd",
        CustomParser = r => r.Tokens.Count == 1 && DateOnly.TryParseExact(r.Tokens[0].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : Refuse<DateOnly?>(r, $"{name} 应为 yyyy-MM-dd 格式的日期 / {name} must be a date as yyyy-MM-dd"),
    };

    private static T Refuse<T>(System.CommandLine.Parsing.ArgumentResult r, string message)
    {
        r.AddError(message);
        return default!;
    }

    /// The options a record is found by (one set per command: an option belongs to one command).
    private sealed class KeyOptions
    {
        public Option<string?> Branch { get; } = Text("--branch", "支部编号 / branch id", "id");
        public Option<string?> Member { get; } = Text("--member", "党员编号（list 中也可为姓名的一部分） / member id (for list also part of a name)", "id");
        public Option<string?> Kind { get; } = Text("--kind",
            "类型：会议类型（党员大会、支委会、党小组会、党课、主题党日、组织生活会）或 合理化建议、金点子、志愿服务、加分、扣分；list 还接受 建议评定、金点子评奖、金点子实施 / " +
            "kind: a meeting kind, or 合理化建议, 金点子, 志愿服务, 加分, 扣分 (as in an import's 类型 column); list also takes 建议评定, 金点子评奖, 金点子实施", "kind");
        public Option<string?> Topic { get; } = Text("--topic", "主题/标题/说明（即导入的“说明”列） / topic, title, activity or reason (an import's 说明 column)", "text");
        public Option<string?> Group { get; } = Text("--group", "党小组编号（党小组会） / party group id (a 党小组会)", "id");
    }

    private static Command List(CliConsole console)
    {
        var from = Day("--from", "起始日期（默认今年 1 月 1 日） / from this date (default: 1 January this year)");
        var to = Day("--to", "截止日期（默认今天） / up to this date (default: today)");
        var store = new StoreOptions();
        var k = new KeyOptions();
        var command = new Command("list", "列出已登记的记录及其编号（按支部、日期、类型、主题、党员筛选） / list recorded facts with their natural keys and ids")
        {
            k.Branch, from, to, k.Kind, k.Topic, k.Member,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            var org = await session.Directory.CatchUpAsync(ct).ConfigureAwait(false);
            BranchId? branch = null;
            if (parse.GetValue(k.Branch) is { } b)
                branch = Ids.TryParse<BranchId>(b, out var id) && org.Branches.ContainsKey(id) ? id
                    : throw new UsageException($"支部 {b} 不存在。", $"No branch {b} is registered.");
            var kindText = parse.GetValue(k.Kind);
            var keyKind = NaturalKey.KindNamed(kindText);
            var stored = keyKind is null ? RecordList.KindNamed(kindText) : StoredKindOf(keyKind);
            if (kindText is not null && stored is null)
                throw new UsageException($"未知的类型“{kindText}”。", $"Unknown kind '{kindText}'.");
            var today = DateOnly.FromDateTime(DateTime.Now);
            var filter = new RecordList.Filter(branch, parse.GetValue(from) ?? new DateOnly(today.Year, 1, 1), parse.GetValue(to) ?? today, stored,
                parse.GetValue(k.Topic), parse.GetValue(k.Member));

            await CatchUpAsync(console, session, ct).ConfigureAwait(false);
            var lines = await RecordList.FindAsync(session.ReadModels, org, filter, Limit, ct).ConfigureAwait(false);
            var lookup = new StoreFactLookup(session.Store, session.Serializer, session.ReadModels);
            var shown = 0;
            console.Out.WriteLine("日期 date\t类型 kind\t支部/党员 branch/member\t党小组 group\t主题/说明 topic\t编号 id\t状态 state");
            foreach (var line in lines)
            {
                var fact = (await lookup.FindAsync(line.FactId, ct).ConfigureAwait(false))?.Fact;
                var key = fact is null ? null : NaturalKey.Of(fact);
                if (keyKind is not null && key?.Kind != keyKind) continue; // 党员大会 among the meetings, 加分 among the adjustments
                var who = key?.Branch?.Value ?? key?.Member?.Value ?? line.Member?.Value ?? line.Branch?.Value ?? "";
                var state = line.Revoked ? "已撤销 revoked" : "";
                console.Out.WriteLine(string.Join('\t', line.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    key?.Kind ?? RecordList.KindName(line.Kind), who, key?.Group?.Value ?? "", key?.Text ?? line.Summary, line.FactId.Value, state));
                shown++;
            }
            console.Out.WriteLine($"{shown} 条记录 / {shown} record(s){(lines.Count == Limit ? $"（仅列出最近 {Limit} 条 / the latest {Limit} only）" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string StoredKindOf(string keyKind) => keyKind switch
    {
        NaturalKey.Suggestion => "V1.SuggestionSubmitted",
        NaturalKey.GoldenIdea => "V1.GoldenIdeaSubmitted",
        NaturalKey.Volunteer => "V1.VolunteerServiceLogged",
        NaturalKey.Bonus or NaturalKey.Deduction => "V1.ManualAdjustment",
        _ => "V1.MeetingHeld",
    };

    /// The options that name the fact to correct: its id, or its natural key.
    private sealed class Target
    {
        public Argument<string?> Id { get; } = new("id")
        {
            Description = "记录编号（facts list 所列；或改用 --kind --date 与 --branch/--member 按导入的自然键指定） / the record's id (as facts list shows it; or name it by the import's natural key with --kind, --date and --branch or --member)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        public Option<DateOnly?> Date { get; } = Day("--date", "记录的日期 / the record's date");
        public Option<string> Reason { get; } = new("--reason") { Description = "原因（必填） / why (required)", HelpName = "text", Required = true };
        public Option<DateOnly?> On { get; } = Day("--on", "撤销/更正的日期（默认今天） / the date of the revocation or correction (default: today)");
        public Option<bool> NoScoring { get; } = new("--no-scoring")
        {
            Description = "只写入不计分：另一个进程（serve）正在为同一数据库计分时使用 / record only: use when another process (serve) scores this store",
        };
        public Option<string> Operator { get; } = PointsEngineCli.OperatorOption();
        public KeyOptions Key { get; } = new();
        public StoreOptions Store { get; } = new();

        public Command Command(string name, string description)
        {
            var command = new Command(name, description) { Id, Key.Kind, Date, Key.Branch, Key.Member, Key.Group, Key.Topic, Reason, On, NoScoring, Operator };
            Store.AddTo(command);
            return command;
        }
    }

    private static Command Revoke(CliConsole console)
    {
        var target = new Target();
        var command = target.Command("revoke", "撤销一条记录（原因必填；积分随之退回） / revoke a record (reason required; its points are taken back)");
        command.SetRun(console, (parse, ct) => RunAsync(console, parse, target, changes: null, ct));
        return command;
    }

    private static Command Amend(CliConsole console)
    {
        var target = new Target();
        var set = new Option<string[]>("--set")
        {
            Description = "要更正的字段=新值，字段名同 API（如 Topic=新主题、Points=-3、Hours=2.5、Mode=Online），可多个 / field=value to correct, fields named as the API's (Topic=…, Points=-3, Hours=2.5, Mode=Online); repeatable",
            HelpName = "field=value",
            AllowMultipleArgumentsPerToken = false,
        };
        var status = new Option<string[]>("--status")
        {
            Description = "会议中某党员的出勤：党员编号=出席/迟到/请假/缺席（名单中没有的党员即被加入），可多个 / a member's attendance at a meeting: member=出席|迟到|请假|缺席 (a member not listed is added); repeatable",
            HelpName = "member=status",
        };
        var command = target.Command("amend", "更正一条记录：原记录撤销、更正后的记录登记，一次完成（原因必填） / correct a record: the recorded one revoked and the corrected one recorded at once (reason required)");
        command.Add(set);
        command.Add(status);
        command.SetRun(console, (parse, ct) =>
        {
            var sets = parse.GetValue(set) ?? [];
            var statuses = parse.GetValue(status) ?? [];
            if (sets.Length + statuses.Length == 0)
                throw new UsageException("请用 --set 字段=新值 或 --status 党员=出勤 说明要更正什么。", "Say what to correct with --set field=value or --status member=status.");
            return RunAsync(console, parse, target, new Changes(sets, statuses), ct);
        });
        return command;
    }

    private sealed record Changes(string[] Set, string[] Status);

    private static async Task<int> RunAsync(CliConsole console, ParseResult parse, Target t, Changes? changes, CancellationToken ct)
    {
        var reason = parse.GetValue(t.Reason)?.Trim();
        if (string.IsNullOrEmpty(reason)) throw new UsageException("--reason 不能为空。", "--reason must not be empty.");
        var who = parse.GetValue(t.Operator)?.Trim();
        if (string.IsNullOrEmpty(who)) throw new UsageException("--operator 不能为空。", "--operator must not be empty.");
        var today = DateOnly.FromDateTime(DateTime.Now);
        var on = parse.GetValue(t.On) ?? today;

        await using var session = await CliSession.OpenAsync(t.Store.Resolve(parse), create: false, ct).ConfigureAwait(false);
        var org = await session.Directory.CatchUpAsync(ct).ConfigureAwait(false);
        var lookup = new StoreFactLookup(session.Store, session.Serializer, session.ReadModels);
        var recorded = new RecordedFacts(session.Store, session.Serializer);

        var found = await FindAsync(parse, t, org, lookup, recorded, ct).ConfigureAwait(false);
        if (found.Problem is { } missing) return Refused(console, missing);
        var (fact, live) = (found.Fact!, found.Live);

        List<IFact> facts;
        string done;
        if (changes is null)
        {
            var revocation = ImportIds.For("revocation", fact.FactId.Value);
            if (!live)
            {
                console.Out.WriteLine($"{fact.FactId} 已撤销或已更正，未写入任何内容。 / {fact.FactId} was revoked or corrected already; nothing written.");
                return ExitCodes.Ok;
            }
            var draft = await RevocationEndpoints.BuildAsync(revocation, org,
                new RevocationEndpoints.RevokeFactRequest(fact.FactId.Value, reason, on), lookup, ct).ConfigureAwait(false);
            if (draft.Problem is { } refused) return Refused(console, refused);
            facts = [draft.Fact!];
            done = $"已撤销 {fact.FactId}（撤销记录 {revocation}），相关积分已退回。 / revoked {fact.FactId} (revocation {revocation}); its points were taken back.";
        }
        else
        {
            if (Amendments.NotAmendable(fact, "target") is { } notAmendable) return Refused(console, notAmendable);
            var e = new FieldErrors();
            var replacement = Amendments.Patch(fact, ChangesOf(fact, changes, e), session.Serializer.SerializerSettings, e);
            if (replacement is null) return Refused(console, e.ToProblem());
            if (Amendments.SameContent(Amendments.WithId(replacement, fact.FactId, session.Serializer.SerializerSettings), fact))
            {
                console.Out.WriteLine($"{fact.FactId} 已是所要更正的内容，未写入任何内容。 / {fact.FactId} already says so; nothing written.");
                return ExitCodes.Ok;
            }
            if (!live)
            {
                // Corrected before: the same correction again is answered as done; another goes to the current version.
                var next = await lookup.FindInStreamAsync(replacement.FactId, FactStreams.For(replacement), ct).ConfigureAwait(false);
                if (next is null || !Amendments.SameContent(next.Fact, replacement)) return Refused(console, Amendments.AlreadyRevoked(fact.FactId, "target"));
                console.Out.WriteLine($"{fact.FactId} 已如此更正为 {replacement.FactId}，未写入任何内容。 / {fact.FactId} was corrected so already ({replacement.FactId}); nothing written.");
                return ExitCodes.Ok;
            }
            foreach (var each in new[] { replacement })
                if ((FactWriter.Precheck(each) ?? FactConsistency.Check(each, org, today)) is { } invalid) return Refused(console, invalid);
            var draft = Amendments.Of(fact, replacement, reason, on);
            facts = [.. draft.Companions, draft.Fact!];
            done = $"已更正 {fact.FactId} → {replacement.FactId}：{Amendments.Describe(fact, replacement, session.Serializer.SerializerSettings)} / amended {fact.FactId} → {replacement.FactId}";
        }

        var score = !parse.GetValue(t.NoScoring);
        if (score) await session.StartScoringAsync(ct).ConfigureAwait(false);
        var result = await ImportWriter.AppendAsync(session, FactStreams.For(facts[^1]), facts, who, ct).ConfigureAwait(false);
        if (score) await CatchUpAsync(console, session, ct).ConfigureAwait(false);
        console.Out.WriteLine(result.AlreadyCommitted ? $"已登记过，未重复写入。 / recorded before; nothing written again. ({facts[^1].FactId})" : done);
        return ExitCodes.Ok;
    }

    /// Scored and projected (read models created or rebuilt first if their schema changed), with progress.
    private static Task<bool> CatchUpAsync(CliConsole console, CliSession session, CancellationToken ct) =>
        console.WithProgressAsync(async board =>
        {
            await session.CatchUpAsync(board, ct).ConfigureAwait(false);
            return true;
        });

    private sealed record Found(IFact? Fact, bool Live, ApiProblem? Problem);

    /// The fact the options name: by id (any version: a stale one is answered as such), else by natural key
    /// among the stream's facts as they stand now, else among its revoked or corrected versions (a command run again).
    private static async Task<Found> FindAsync(ParseResult parse, Target t, Registry.OrganisationSnapshot org, StoreFactLookup lookup, RecordedFacts recorded,
        CancellationToken ct)
    {
        if (parse.GetValue(t.Id) is { } text)
        {
            if (!Ids.TryParse<FactId>(text, out var id)) throw new UsageException($"记录编号“{text}”无效。", $"'{text}' is not a record id.");
            if (await lookup.FindAsync(id, ct).ConfigureAwait(false) is not { } found) return new(null, false, FactConsistency.UnknownFact("target", id));
            var stream = FactStreams.For(found.Fact);
            var live = (await recorded.LiveAsync(stream, ct).ConfigureAwait(false)).Any(f => f.FactId == id);
            return new(found.Fact, live, null);
        }

        var kind = NaturalKey.KindNamed(parse.GetValue(t.Key.Kind))
            ?? throw new UsageException("请给出记录编号，或用 --kind（会议类型、合理化建议、金点子、志愿服务、加分、扣分）与 --date 及 --branch/--member 指定记录。",
                "Give the record's id, or name it with --kind (a meeting kind, 合理化建议, 金点子, 志愿服务, 加分, 扣分), --date and --branch or --member.");
        var date = parse.GetValue(t.Date) ?? throw new UsageException("按自然键指定记录时 --date 必填。", "--date is required to name a record by its natural key.");
        var meeting = StoredKindOf(kind) == "V1.MeetingHeld";
        var owner = parse.GetValue(meeting ? t.Key.Branch : t.Key.Member)
            ?? throw new UsageException(meeting ? "会议按 --branch 指定支部。" : "此类记录按 --member 指定党员。",
                meeting ? "Name a meeting's branch with --branch." : "Name this record's member with --member.");
        StreamName where;
        if (meeting)
        {
            if (!Ids.TryParse<BranchId>(owner, out var b) || !org.Branches.ContainsKey(b)) throw new UsageException($"支部 {owner} 不存在。", $"No branch {owner} is registered.");
            where = new StreamName($"branch-{b.Value}");
        }
        else
        {
            if (!Ids.TryParse<MemberId>(owner, out var m) || !org.Members.ContainsKey(m)) throw new UsageException($"党员 {owner} 不存在。", $"No member {owner} is enrolled.");
            where = FactStreams.MemberFacts(m);
        }
        var group = parse.GetValue(t.Key.Group);
        var topic = parse.GetValue(t.Key.Topic)?.Trim();
        bool Matches(IFact f) => NaturalKey.Of(f) is { } k && k.Kind == kind && k.Date == date
            && (group is null || k.Group?.Value == group) && (topic is null || k.Text == topic);

        var described = $"{kind} {date:yyyy-MM-dd} {owner}{(topic is null ? "" : " " + topic)}";
        var candidates = (await recorded.LiveAsync(where, ct).ConfigureAwait(false)).Where(Matches).ToList();
        var live2 = candidates.Count > 0;
        if (!live2) candidates = [.. (await recorded.AllAsync(where, ct).ConfigureAwait(false)).Where(Matches).TakeLast(1)];
        return candidates.Count switch
        {
            0 => new(null, false, ApiProblem.Field(404, "target", "not-found", $"找不到记录：{described}。可用 facts list 查找。",
                $"No record {described} is on record; find it with facts list.")),
            1 => new(candidates[0], live2, null),
            _ => new(null, false, ApiProblem.Field(409, "target", "ambiguous",
                $"有 {candidates.Count} 条记录符合 {described}：{string.Join("、", candidates.Select(c => c.FactId))}；请加 --topic 或直接给出编号。",
                $"{candidates.Count} records match {described}: {string.Join(", ", candidates.Select(c => c.FactId))}; add --topic or give the id.")),
        };
    }

    /// The changes as the API takes them: --set fields (a JSON value, else text), --status lines over the meeting's attendance.
    private static JObject ChangesOf(IFact fact, Changes changes, FieldErrors e)
    {
        var json = new JObject();
        foreach (var set in changes.Set)
        {
            var at = set.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                e.Add("--set", "invalid-change", $"--set 应为 字段=新值：{set}", $"--set takes field=value: {set}");
                continue;
            }
            var value = set[(at + 1)..];
            JToken token;
            try { token = Amendments.Json($"{{\"v\":{value}}}")["v"]!; }
            catch (JsonException) { token = new JValue(value); }
            json[set[..at].Trim()] = token;
        }
        if (changes.Status.Length == 0) return json;
        if (fact is not MeetingHeld meeting)
        {
            e.Add("--status", "not-a-meeting", "--status 只用于会议。", "--status is for meetings only.");
            return json;
        }
        var attendance = meeting.Attendance.ToList();
        foreach (var line in changes.Status)
        {
            var at = line.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !Ids.TryParse<MemberId>(line[..at].Trim(), out var member) || !ChineseNames.TryParse<AttendanceStatus>(line[(at + 1)..].Trim(), out var status))
            {
                e.Add("--status", "invalid-status", $"--status 应为 党员编号=出席/迟到/请假/缺席：{line}", $"--status takes member=出席|迟到|请假|缺席 (or Present, Late, Excused, Absent): {line}");
                continue;
            }
            var i = attendance.FindIndex(a => a.Member == member);
            if (i >= 0) attendance[i] = attendance[i] with { Status = status };
            else attendance.Add(new AttendanceEntry(member, status));
        }
        json[nameof(MeetingHeld.Attendance)] = JArray.FromObject(attendance, JsonSerializer.Create(PointsEngine.Store.EventSerializer.Settings));
        return json;
    }

    private static int Refused(CliConsole console, ApiProblem problem)
    {
        console.Say(problem.Zh, problem.En);
        foreach (var (field, errors) in problem.Errors ?? new Dictionary<string, IReadOnlyList<FieldError>>())
            foreach (var error in errors) console.Say($"  {field}：{error.Zh}", $"{error.En}");
        return problem.Status == 404 || problem.Status == 409 || problem.Status == 400 ? ExitCodes.Problems : ExitCodes.Failed;
    }
}
