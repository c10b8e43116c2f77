using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Support;

/// All generators in one place. Histories are lists of member facts with unique ids; schemes are
/// rule sets drawn from the shapes real 党员积分制 schemes use.
public static class DomainGen
{
    public static readonly MemberId Member = new("m-001");
    public static readonly BranchId Branch = new("b-01");
    public const int Year = 2025;

    public static Gen<DateOnly> DateIn(int year) =>
        Gen.Choose(0, new DateOnly(year, 12, 31).DayNumber - new DateOnly(year, 1, 1).DayNumber)
            .Select(d => new DateOnly(year, 1, 1).AddDays(d));

    public static Gen<T> Any<T>() where T : struct, Enum => Gen.Elements(Enum.GetValues<T>());

    public static Gen<Func<FactId, MemberFact>> Attendance(int year, MemberId member) =>
        from date in DateIn(year)
        from kind in Any<MeetingKind>()
        from mode in Any<MeetingMode>()
        from status in Gen.Frequency((6, Gen.Constant(AttendanceStatus.Present)), (1, Gen.Constant(AttendanceStatus.Late)),
            (2, Gen.Constant(AttendanceStatus.Excused)), (2, Gen.Constant(AttendanceStatus.Absent)))
        select (Func<FactId, MemberFact>)(id => new AttendanceRecorded(id, date, member, Branch, kind, mode, status));

    public static Gen<Func<FactId, MemberFact>> Volunteer(int year, MemberId member) =>
        from date in DateIn(year)
        from halfHours in Gen.Choose(1, 12)
        select (Func<FactId, MemberFact>)(id => new VolunteerServiceRecorded(id, date, member, halfHours / 2m, "社区服务"));

    public static Gen<Func<FactId, MemberFact>> Suggestion(int year, MemberId member) =>
        from date in DateIn(year)
        from level in Any<SuggestionLevel>()
        select (Func<FactId, MemberFact>)(id => new SuggestionAssessmentRecorded(id, date, member, new FactId($"{id}-s"), level));

    public static Gen<Func<FactId, MemberFact>> Adjustment(int year, MemberId member) =>
        from date in DateIn(year)
        from points in Gen.Choose(-5, 5)
        select (Func<FactId, MemberFact>)(id => new AdjustmentRecorded(id, date, member, points, "测试调整", "支部书记"));

    /// A declared activity (#22): a training of some days (scored by bands) or an article, sometimes with a city-level
    /// award (a bonus rule on the yes/no field). The article kind is not declared by every scheme (see DeclaredKinds).
    public static Gen<Func<FactId, MemberFact>> Activity(int year, MemberId member) =>
        from date in DateIn(year)
        from training in Gen.Elements(true, false)
        from days in Gen.Choose(1, 90)
        from award in Gen.Elements(true, false)
        select (Func<FactId, MemberFact>)(id => training
            ? new ActivityRecorded(id, date, member, "training", new RuleSetVersion("v1"), [new ActivityValue("days", Number: days)])
            : new ActivityRecorded(id, date, member, "article", new RuleSetVersion("v1"),
                [new ActivityValue("title", Text: "学习心得"), new ActivityValue("cityAward", YesNo: award)]));

    public static Gen<Func<FactId, MemberFact>> AnyFact(int year, MemberId member) =>
        Gen.Frequency(
            (7, Attendance(year, member)), (1, Volunteer(year, member)),
            (1, Suggestion(year, member)), (1, Adjustment(year, member)), (2, Activity(year, member)));

    /// Facts with ids f000, f001, … (unique within the history).
    public static Gen<List<MemberFact>> History(Gen<Func<FactId, MemberFact>> shape, int maxCount) =>
        from count in Gen.Choose(0, maxCount)
        from shapes in Gen.ListOf(shape, count)
        select shapes.Select((make, i) => make(new FactId($"f{i:000}"))).ToList();

    public static Gen<List<MemberFact>> History(int maxCount = 60) => History(AnyFact(Year, Member), maxCount);

    public static Gen<Cap> CapOn() =>
        from period in Any<PeriodKind>()
        from max in Gen.Choose(0, 30)
        select new Cap(period, max, null);

    /// A scheme with the features the simple reference model understands: base score, fixed points
    /// per meeting kind with per-rule caps, a deduction for absence, manual adjustments, a total floor.
    public static Gen<RuleSet> SimpleScheme(string version = "v1", DateOnly? effectiveFrom = null) =>
        from points in Gen.ArrayOf(Gen.Choose(0, 6), 6)
        from caps in Gen.ArrayOf(Gen.OneOf(Gen.Constant<Cap?>(null), CapOn().Select(c => (Cap?)c)), 6)
        from deduction in Gen.Choose(0, 4)
        from basePoints in Gen.Elements(0, 60)
        from floor in Gen.Elements<int?>(null, 0, 50)
        from kinds in DeclaredKinds()
        select new RuleSet(new RuleSetVersion(version), effectiveFrom ?? new DateOnly(2020, 1, 1), version, basePoints,
            floor is { } f ? [Cap.YearlyFloor(f)] : [], [],
            [
                .. Enum.GetValues<MeetingKind>().Select((kind, i) =>
                    TestRules.Present($"present.{kind}", kind, points[i], caps[i] is { } c ? [c] : [])),
                TestRules.Attendance("absent", null, [AttendanceStatus.Absent], -deduction),
                TestRules.Adjustments(),
                .. kinds.Rules,
            ],
            [], null) { Kinds = kinds.Kinds };

    /// Declared kinds (#22) and their rules: training by bands of days with a yearly cap, an article at fixed points
    /// with a bonus when the city-level award is set. One scheme in four does not declare the article, so its
    /// records score 0 (a kind withdrawn by a later rule set, when the scheme is a back-dated second version).
    public static Gen<(ActivityKind[] Kinds, Rule[] Rules)> DeclaredKinds() =>
        from shortDays in Gen.Choose(0, 3)
        from longDays in Gen.Choose(2, 5)
        from trainingCap in Gen.Elements<int?>(null, 6, 10)
        from article in Gen.Choose(1, 4)
        from award in Gen.Choose(0, 3)
        from declaresArticle in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        select (
            declaresArticle ? [TestRules.Training, TestRules.Article] : new[] { TestRules.Training },
            declaresArticle
                ? [TestRules.TrainingBands(shortDays, longDays, trainingCap), TestRules.ArticlePoints(article), TestRules.ArticleAward(award)]
                : new[] { TestRules.TrainingBands(shortDays, longDays, trainingCap) });

    /// The simple scheme plus category caps, volunteer hours and a quarterly completeness bonus.
    public static Gen<RuleSet> FullScheme(string version = "v1", DateOnly? effectiveFrom = null) =>
        from simple in SimpleScheme(version, effectiveFrom)
        from categoryCap in Gen.Elements<int?>(null, 25, 40)
        from perHour in Gen.Elements(1, 2)
        from maxHours in Gen.Elements<decimal?>(null, 2m)
        from rounding in Gen.Elements(new Rounding(1m, RoundingMode.Down), new Rounding(0.5m, RoundingMode.HalfUp), Rounding.Cents)
        from volunteerCap in Gen.Elements<int?>(null, 10)
        from bonus in Gen.Elements(0, 5)
        select simple with
        {
            Categories = categoryCap is { } cc ? [new ScoringCategory("attendance", "出勤", [Cap.YearlyMax(cc)])] : [],
            Rules =
            [
                .. simple.Rules,
                TestRules.Volunteer("volunteer", perHour, maxHours, rounding, volunteerCap is { } vc ? [Cap.YearlyMax(vc)] : []),
                TestRules.SuggestionTable("suggestion",
                    (SuggestionLevel.General, 1), (SuggestionLevel.Valuable, 3), (SuggestionLevel.HighlyValuable, 5), (SuggestionLevel.Adopted, 8)),
            ],
            Bonuses = bonus == 0 ? [] :
            [
                new PeriodBonus(new RuleId("full-attendance"), "全勤", "attendance", PeriodKind.Quarter,
                    Enum.GetValues<MeetingKind>(), [AttendanceStatus.Present, AttendanceStatus.Late], 1, bonus, [MemberCategory.Retired]),
            ],
        };

    public static Gen<List<T>> Shuffled<T>(IEnumerable<T> items) => Gen.Shuffle((IEnumerable<T>)items).Select(a => a.ToList());

    /// A subset of the history's facts to revoke.
    public static Gen<List<MemberFact>> SubsetOf(List<MemberFact> facts) =>
        Gen.SubListOf((IEnumerable<MemberFact>)facts).Select(s => s.ToList());
}

public static class CommandGen
{
    /// Revocation commands for the given targets, with fresh revocation fact ids.
    public static List<MemberCommand> Revocations(IEnumerable<MemberFact> targets) =>
        [.. targets.Select((t, i) => (MemberCommand)new RevokeFact(
            new RevocationRecorded(new FactId($"r{i:000}"), t.OccurredOn, t.Member, t.FactId, "登记错误")))];

    public static List<MemberCommand> Scores(IEnumerable<MemberFact> facts) => [.. facts.Select(f => (MemberCommand)new ScoreFact(f))];

    /// Organisation changes of the member during the year, for histories that re-score earlier facts.
    public static Gen<List<MemberCommand>> MembershipChanges(MemberId member, int year) =>
        from enrolledCategory in DomainGen.Any<MemberCategory>()
        from status in DomainGen.Any<MemberStatus>()
        from changes in Gen.ListOf(
            from date in DomainGen.DateIn(year)
            from category in DomainGen.Any<MemberCategory>()
            select (date, category), 3)
        select (List<MemberCommand>)
        [
            new RecordMembership(new Organisation.MemberEnrolled(new FactId("o-enrol"), new DateOnly(year - 3, 7, 1), member, "张三",
                DomainGen.Branch, null, status, enrolledCategory)),
            .. changes.Select((c, i) => (MemberCommand)new RecordMembership(
                new Organisation.MemberCategoryChanged(new FactId($"o-cat{i}"), c.date, member, c.category, "外出务工"))),
        ];
}
