using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Projections.Tests.Support;

/// A random organisation year for the laws: branches with party groups (some in a network zone),
/// enrolments, meetings with attendance lists, suggestions, golden ideas, volunteer hours, adjustments,
/// transfers, category and status changes, members leaving, re-enrolments under a corrected name, and
/// revocations — recorded in a random order (any interleaving). Deterministic for a seed, which a failure prints.
public sealed record OrganisationCase(int Seed, IReadOnlyList<IFact> Facts, IReadOnlyList<BranchId> Branches, IReadOnlyList<PartyGroupId> Groups)
{
    public static readonly NetworkZoneId Zone = new("z1");

    public override string ToString() => $"seed {Seed}, {Facts.Count} facts";

    /// The typical rule set with a rule for its declared kind 参加党校培训 (#22): 1–6 days +1, 7 days and more +2, in the
    /// volunteer category (so its yearly cap is shared).
    private static string WithTrainingRule(string document)
    {
        var json = JObject.Parse(document);
        ((JArray)json["rules"]!).Add(new JObject
        {
            ["id"] = "training", ["name"] = "参加党校培训 1–6 天 +1，7 天以上 +2", ["category"] = "volunteer", ["fact"] = "activity", ["kind"] = "training",
            ["bands"] = new JArray(new JObject { ["from"] = 0, ["to"] = 6, ["points"] = 1 }, new JObject { ["from"] = 7, ["points"] = 2 }),
        });
        return json.ToString();
    }

    public static OrganisationCase Generate(int seed)
    {
        var random = new Random(seed);
        var facts = new List<IFact>();
        var n = 0;
        FactId Next(string kind) => new($"{kind}-{n++:0000}");
        DateOnly Day() => new DateOnly(2025, 1, 1).AddDays(random.Next(365));
        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        var document = WithTrainingRule(PointsEngine.TestSupport.TypicalRules.Document());
        var rules = RuleSetDocument.Parse(document);
        facts.Add(new RuleSetPublished(Next("rules"), new DateOnly(2024, 12, 20), rules.Version, rules.EffectiveFrom, document));
        facts.Add(new NetworkZoneRegistered(Next("zone"), new DateOnly(2024, 12, 1), Zone, "网络区"));

        var branches = Enumerable.Range(1, random.Next(1, 4)).Select(b => new BranchId($"b{b}")).ToList();
        var groups = new List<(PartyGroupId Group, BranchId Branch)>();
        foreach (var b in branches)
        {
            facts.Add(new BranchRegistered(Next("branch"), new DateOnly(2024, 12, 1), b, $"{b.Value}支部", random.Next(2) == 0 ? Zone : null));
            foreach (var g in Enumerable.Range(1, random.Next(1, 3)).Select(i => new PartyGroupId($"{b.Value}g{i}")))
            {
                groups.Add((g, b));
                facts.Add(new PartyGroupRegistered(Next("group"), new DateOnly(2024, 12, 1), g, b, $"{g.Value}小组"));
            }
        }

        var members = new List<MemberId>();
        var branchOf = new Dictionary<MemberId, BranchId>();
        var left = new HashSet<MemberId>();
        var enrolments = new Dictionary<MemberId, MemberEnrolled>();
        foreach (var b in branches)
        {
            foreach (var i in Enumerable.Range(1, random.Next(2, 6)))
            {
                var m = new MemberId($"{b.Value}m{i}");
                members.Add(m);
                branchOf[m] = b;
                var group = random.Next(4) == 0 ? null : (PartyGroupId?)Pick(groups.Where(g => g.Branch == b).ToList()).Group;
                var enrolled = random.Next(5) == 0 ? Day() : new DateOnly(2024, 12, 1);
                var enrolment = new MemberEnrolled(Next("enrol"), enrolled, m, $"党员{m.Value}", b, group,
                    random.Next(5) == 0 ? MemberStatus.Probationary : MemberStatus.Full,
                    random.Next(6) == 0 ? MemberCategory.Mobile : MemberCategory.Regular);
                facts.Add(enrolment);
                enrolments[m] = enrolment;
            }
        }

        var revocable = new List<(FactId Fact, IReadOnlyList<MemberId> Members)>();
        var statuses = Enum.GetValues<AttendanceStatus>();
        foreach (var _ in Enumerable.Range(0, random.Next(15, 45)))
        {
            var roll = random.Next(100);
            var m = Pick(members);
            if (roll < 35)
            {
                var b = Pick(branches);
                var listed = members.Where(x => branchOf[x] == b && random.Next(5) > 0).ToList();
                if (listed.Count == 0) continue;
                var meeting = new MeetingHeld(Next("meeting"), Day(), b, null, Pick(Enum.GetValues<MeetingKind>()),
                    random.Next(3) == 0 ? MeetingMode.Online : MeetingMode.InPerson, "学习", [.. listed.Select(x => new AttendanceEntry(x, Pick(statuses)))]);
                facts.Add(meeting);
                revocable.Add((meeting.FactId, listed));
            }
            else if (roll < 45)
            {
                var s = Next("suggestion");
                var date = Day();
                facts.Add(new SuggestionSubmitted(s, date, m, branchOf[m], "建议"));
                facts.Add(new SuggestionAssessed(Next("assessed"), date, s, m, Pick(Enum.GetValues<SuggestionLevel>()), "支委会"));
            }
            else if (roll < 52)
            {
                var idea = Next("idea");
                var date = Day();
                facts.Add(new GoldenIdeaSubmitted(idea, date, m, branchOf[m], "金点子"));
                facts.Add(new GoldenIdeaAwarded(Next("award"), date, idea, m, Pick(Enum.GetValues<GoldenIdeaLevel>()), "评审组"));
                if (random.Next(2) == 0) facts.Add(new GoldenIdeaImplemented(Next("implemented"), date, idea, m));
            }
            else if (roll < 67)
            {
                var v = new VolunteerServiceLogged(Next("volunteer"), Day(), m, random.Next(1, 17) / 2m, "志愿服务", "社区");
                facts.Add(v);
                revocable.Add((v.FactId, [m]));
            }
            else if (roll < 75 && roll >= 71)
            {
                // #22: an activity of the kind the typical rule set declares, scored by bands of its days.
                var days = random.Next(1, 30);
                var a = new ActivityLogged(Next("activity"), Day(), m, "training", rules.Version, [new ActivityValue("days", Number: days)],
                    "参加党校培训", $"培训天数 {days} 天");
                facts.Add(a);
                revocable.Add((a.FactId, [m]));
            }
            else if (roll < 75)
            {
                var a = new ManualAdjustment(Next("adjust"), Day(), m, new Points(random.Next(1, 11) * (random.Next(2) == 0 ? -1 : 1)), "奖惩", "党委");
                facts.Add(a);
                revocable.Add((a.FactId, [m]));
            }
            else if (roll < 84 && branches.Count > 1 && !left.Contains(m))
            {
                var to = Pick(branches.Where(b => b != branchOf[m]).ToList());
                var toGroup = groups.Where(g => g.Branch == to).Select(g => (PartyGroupId?)g.Group).FirstOrDefault();
                var t = new MemberTransferred(Next("transfer"), Day(), m, branchOf[m], to, random.Next(2) == 0 ? toGroup : null);
                facts.Add(t);
                branchOf[m] = to;
                revocable.Add((t.FactId, [m]));
            }
            else if (roll < 88)
                facts.Add(new MemberCategoryChanged(Next("category"), Day(), m, Pick(Enum.GetValues<MemberCategory>()), "调整"));
            else if (roll < 92)
                facts.Add(new MemberStatusChanged(Next("status"), Day(), m, Pick(Enum.GetValues<MemberStatus>())));
            else if (roll < 95 && left.Add(m))
                facts.Add(new MemberLeft(Next("left"), new DateOnly(2025, 12, 1).AddDays(random.Next(30)), m, "迁出"));
            else if (revocable.Count > 0)
            {
                var (target, concerned) = Pick(revocable);
                facts.Add(new FactRevoked(Next("revoke"), Day(), target, "登记错误", concerned));
            }
        }

        // Some members enrolled a second time under a corrected name: the members table, and the names rankings show
        // beside each membership period, take the enrolment latest in the log. Either the same enrolment again (only
        // the name differs, so the membership periods stay as they are) or a new one later in the year.
        foreach (var m in members.Where(_ => random.Next(4) == 0).ToList())
            facts.Add(random.Next(2) == 0
                ? enrolments[m] with { FactId = Next("reenrol"), Name = $"党员{m.Value}（更正）" }
                : new MemberEnrolled(Next("reenrol"), Day(), m, $"党员{m.Value}（再）", branchOf[m], null, MemberStatus.Full, MemberCategory.Regular));

        // Any interleaving: the log order is the recording order, shuffled.
        var shuffled = facts.OrderBy(_ => random.Next()).ToList();
        return new OrganisationCase(seed, shuffled, branches, [.. groups.Select(g => g.Group)]);
    }
}
