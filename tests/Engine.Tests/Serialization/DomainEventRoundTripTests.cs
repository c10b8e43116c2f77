using Newtonsoft.Json;
using PointsEngine.Domain;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Store;

namespace PointsEngine.Engine.Tests.Serialization;

/// Every stored event type survives the store's Newtonsoft settings unchanged, under its stable name.
public sealed class when_domain_events_are_stored_and_read_back
{
    private static readonly MemberId M = new("m-001");
    private static readonly BranchId B = new("b-01");
    private static readonly DateOnly D = new(2025, 3, 18);
    private static FactId F(string id) => new(id);
    private static readonly DateTimeOffset T = new(2025, 3, 18, 9, 30, 0, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<Type, object> Samples = new object[]
    {
        new NetworkZoneRegistered(F("z1"), D, new NetworkZoneId("zone-3"), "第三网络区"),
        new BranchRegistered(F("b1"), D, B, "机电科党支部", new NetworkZoneId("zone-3")),
        new BranchRegistered(F("b2"), D, new BranchId("b-02"), "无网络区支部", null),
        new PartyGroupRegistered(F("g1"), D, new PartyGroupId("g-01"), B, "第一党小组"),
        new MemberEnrolled(F("e1"), D, M, "张三", B, new PartyGroupId("g-01"), MemberStatus.Probationary, MemberCategory.Mobile),
        new MemberTransferred(F("t1"), D, M, B, new BranchId("b-02"), null),
        new MemberLeft(F("l1"), D, M, "组织关系转出"),
        new MemberCategoryChanged(F("c1"), D, M, MemberCategory.Special, "长期病休"),
        new MemberStatusChanged(F("s1"), D, M, MemberStatus.Full),
        new BranchSecretaryAppointed(F("sec1"), D, B, M),
        new BranchSecretaryRelieved(F("sec2"), D, B, M, "换届"),
        new MeetingHeld(F("mt1"), D, B, null, MeetingKind.ThemePartyDay, MeetingMode.Online, "QQ群主题党日",
            [new AttendanceEntry(M, AttendanceStatus.Present), new AttendanceEntry(new MemberId("m-002"), AttendanceStatus.Excused)]),
        new SuggestionSubmitted(F("sg1"), D, M, B, "优化班次安排"),
        new SuggestionAssessed(F("sa1"), D, F("sg1"), M, SuggestionLevel.HighlyValuable, "支委会"),
        new GoldenIdeaSubmitted(F("gi1"), D, M, B, "节能改造"),
        new GoldenIdeaAwarded(F("ga1"), D, F("gi1"), M, GoldenIdeaLevel.Second, "评审组"),
        new GoldenIdeaImplemented(F("gm1"), D, F("gi1"), M),
        new VolunteerServiceLogged(F("v1"), D, M, 2.5m, "做24小时党员", "社区书记"),
        new ManualAdjustment(F("a1"), D, M, new Points(-2.5m), "违反纪律", "党委"),
        new FactRevoked(F("r1"), D, F("mt1"), "登记错误", [M, new MemberId("m-002")]),
        YearOpened.Of(2024),
        new YearClosed(F("y1"), D, 2024),
        new YearReopened(F("y2"), D, 2024, "补录"),
        new RuleSetPublished(F("p1"), D, new RuleSetVersion("2025.2"), new DateOnly(2025, 1, 1), "{\"version\":\"2025.2\"}"),
        // #22: one generic fact for every declared kind, and its member copy.
        new ActivityLogged(F("ac1"), D, M, "training", new RuleSetVersion("2025.2"),
            [new ActivityValue("days", Number: 21.5m), new ActivityValue("cityAward", YesNo: true), new ActivityValue("level", Text: "市级")],
            "参加党校培训", "天数 21.5 天，获市级奖励 是"),
        new ClaimSubmitted(F("cl1"), D, M, B, ClaimKind.VolunteerService, "社区义诊", "协助量血压", 3.5m,
            [new ClaimAttachment("照片.jpg", "image/jpeg", 20480, new string('a', 64))]),
        new ClaimAccepted(F("ca1"), D, F("cl1"), M, B, F("cl1-scored")),
        new ClaimRejected(F("cr1"), D, F("cl1"), M, B, "照片不清楚"),
        new NoticePublished(F("n1"), D, B, "2025-Q1", new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31), new DateOnly(2025, 4, 7),
            [new NoticeLine(1, M, "张三", 12.5m, null, null), new NoticeLine(2, new MemberId("m-002"), null, 0, "Qualified", "合格")]),
        new ObjectionRaised(F("o1"), D, B, "2025-Q1", M, "少记一次主题党日"),
        new ObjectionAnswered(F("oa1"), D, B, "2025-Q1", F("o1"), M, ObjectionOutcome.Upheld, "已补记", F("a1")),
        new NoticeFinalised(F("nf1"), D, B, "2025-Q1", [new NoticeLine(1, M, "张三", 14.5m, null, null)]),
        new CheckInOpened(F("ci1"), D, B, "abcd2345", MeetingKind.PartyGroupMeeting, "学习党章", MeetingMode.Online, new PartyGroupId("g1"),
            new DateTimeOffset(2025, 3, 18, 19, 30, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2025, 3, 18, 21, 0, 0, TimeSpan.FromHours(8)), 10, [M]),
        new MemberCheckedIn(F("ci2"), D, B, "abcd2345", M, new DateTimeOffset(2025, 3, 18, 19, 41, 7, TimeSpan.FromHours(8)), "qr"),
        new LeaveRequested(F("ci3"), D, B, "abcd2345", M, new DateTimeOffset(2025, 3, 18, 9, 0, 0, TimeSpan.FromHours(8)), "出差"),
        new LeaveApproved(F("ci4"), D, B, "abcd2345", M, new DateTimeOffset(2025, 3, 18, 10, 0, 0, TimeSpan.FromHours(8))),
        new AttendanceMarked(F("ci5"), D, B, "abcd2345", M, AttendanceStatus.Late, new DateTimeOffset(2025, 3, 18, 20, 0, 0, TimeSpan.FromHours(8))),
        new CheckInClosed(F("ci6"), D, B, "abcd2345", new DateTimeOffset(2025, 3, 18, 21, 0, 0, TimeSpan.FromHours(8)), [new AttendanceEntry(M, AttendanceStatus.Late)]),
        new AttendanceRecorded(F("mt1"), D, M, B, MeetingKind.PartyLecture, MeetingMode.InPerson, AttendanceStatus.Late),
        new SuggestionAssessmentRecorded(F("sa1"), D, M, F("sg1"), SuggestionLevel.Adopted),
        new GoldenIdeaAwardRecorded(F("ga1"), D, M, F("gi1"), GoldenIdeaLevel.First),
        new GoldenIdeaImplementationRecorded(F("gm1"), D, M, F("gi1")),
        new VolunteerServiceRecorded(F("v1"), D, M, 1.5m, "义务植树"),
        new AdjustmentRecorded(F("a1"), D, M, new Points(3), "抗洪抢险", "党委"),
        new ActivityRecorded(F("ac1"), D, M, "training", new RuleSetVersion("2025.2"),
            [new ActivityValue("days", Number: 21.5m), new ActivityValue("cityAward", YesNo: false), new ActivityValue("title", Text: "心得")]),
        new RevocationRecorded(F("r1"), D, M, F("mt1"), "登记错误"),
        new MemberYearOpened(M, 2025),
        new AccountInvited("acc-1", new string('c', 64), "13800000000", "张三", M, "secretary", [B], T.AddDays(7), "admin", T),
        new InvitationWithdrawn("acc-1", new string('c', 64), "admin", T),
        new AccountActivated("acc-1", new string('c', 64), new string('p', 64), T),
        new PasswordChanged("acc-1", new string('d', 64), new string('q', 64), T),
        new AccountRoleSet("acc-1", "member", [], "admin", T),
        new AccountDisabled("acc-1", "admin", "离开组织", T),
        new SessionStarted("acc-1", new string('s', 64), "iPhone Safari", true, T, T.AddDays(30)),
        new SessionEnded("acc-1", new string('s', 64), "signed-out", T),
        new AccountEnabled("acc-1", "admin", T),
        new TokenIssued("acc-1", "0123456789abcdef0123456789abcdef", "导入脚本", T.AddDays(90), "admin", T),
        new TokenRevoked("acc-1", "0123456789abcdef0123456789abcdef", "admin", T),
        new PointsAwarded(M, "mt1/attend", F("mt1"), new RuleId("attend"), new RuleSetVersion("2025.1"), "attendance", D,
            new Points(5), new Points(2.5m), "上限已满 cap reached", "fact mt1 recorded"),
        new PointsAwarded(M, "base/2025", null, new RuleId("base"), new RuleSetVersion("2025.1"), "base", new DateOnly(2025, 1, 1),
            new Points(60), new Points(60), null, "year 2025 opened"),
        new PointsReverted(M, "mt1/attend", F("mt1"), new RuleId("attend"), new RuleSetVersion("2025.1"), "attendance", D, new Points(5), "revoked"),
        new PointsCorrected(M, "mt1/attend", F("mt1"), new RuleId("attend"), "attendance", D, new RuleSetVersion("2025.1"),
            new RuleSetVersion("2025.2"), new Points(5), new Points(4), new Points(5), new Points(4), null, "rule set 2025.2"),
    }.GroupBy(e => e.GetType()).ToDictionary(g => g.Key, g => g.First());

    private static readonly object[] AllSamples =
    [
        .. Samples.Values,
        new BranchRegistered(F("b2"), D, new BranchId("b-02"), "无网络区支部", null),
        new PointsAwarded(M, "base/2025", null, new RuleId("base"), new RuleSetVersion("2025.1"), "base", new DateOnly(2025, 1, 1),
            new Points(60), new Points(60), null, "year 2025 opened"),
    ];

    private static EventSerializer Serializer()
    {
        var serializer = new EventSerializer();
        foreach (var (type, name) in DomainEventNames.All) serializer.Register(type, name);
        return serializer;
    }

    [Fact]
    public void every_stored_event_type_has_a_sample_here()
    {
        Assert.All(DomainEventNames.All, p => Assert.True(Samples.ContainsKey(p.Type), $"no sample for {p.Type.Name}"));
    }

    [Fact]
    public void stored_names_are_unique_and_versioned()
    {
        Assert.Equal(DomainEventNames.All.Count, DomainEventNames.All.Select(p => p.StoredName).Distinct().Count());
        Assert.All(DomainEventNames.All, p => Assert.Matches(@"^V\d+\.[A-Z][A-Za-z]+$", p.StoredName));
    }

    public static TheoryData<string> StoredNames() => [.. DomainEventNames.All.Select(p => p.StoredName)];

    [Theory]
    [MemberData(nameof(StoredNames))]
    public void an_event_reads_back_equal_to_what_was_written(string storedName)
    {
        var serializer = Serializer();
        var type = DomainEventNames.All.Single(p => p.StoredName == storedName).Type;
        foreach (var sample in AllSamples.Where(s => s.GetType() == type))
        {
            var data = serializer.ToEventData(Guid.NewGuid(), sample, new EventMetadata(DateTimeOffset.UnixEpoch, "test"));
            Assert.Equal(storedName, data.Type);
            var read = serializer.Deserialize(data.Type, data.Data);
            Assert.IsType(type, read);
            // Records holding lists compare by reference, so compare the written form as well.
            Assert.Equal(data.Data, JsonConvert.SerializeObject(read, EventSerializer.Settings));
            if (!HasList(type)) Assert.Equal(sample, read);
        }
    }

    [Fact]
    public void identifiers_and_points_are_written_as_plain_strings()
    {
        var json = JsonConvert.SerializeObject(Samples[typeof(AdjustmentRecorded)], EventSerializer.Settings);
        Assert.Contains("\"Member\":\"m-001\"", json);
        Assert.Contains("\"Points\":\"3\"", json);
        Assert.Contains("\"OccurredOn\":\"2025-03-18\"", json);
        Assert.DoesNotContain("\"Kind\"", json);
    }

    [Fact]
    public void an_invalid_identifier_in_stored_data_fails_loudly()
    {
        var serializer = Serializer();
        var error = Record.Exception(() => serializer.Deserialize("V1.MemberYearOpened", "{\"Member\":\"has space\",\"Year\":2025}"));
        Assert.NotNull(error);
    }

    private static bool HasList(Type type) =>
        type.GetProperties().Any(p => p.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(p.PropertyType));
}
