using System.Net;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// The query side (issue #5) over the half year of Support/BranchYear.cs, whose table gives every figure.
[Collection(BranchYearFixture.Collection)]
public sealed class when_a_branch_has_recorded_its_half_year(BranchYearFixture fixture)
{
    private ApiHost Api => fixture.Api;

    private static IEnumerable<(string Member, int Rank, decimal Points)> Rows(Answer a) =>
        ((JArray)a.Body["rows"]!).Select(r => ((string)r["member"]!, (int)r["rank"]!, (decimal)r["points"]!));

    [Fact]
    public async Task a_members_standing_has_the_hand_computed_total_categories_months_places_and_series()
    {
        var s = (await Api.Admin.GetJsonAsync("/api/members/a2/standing?year=2025")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(70m, (decimal)s.Body["total"]!);
        Assert.Equal("李四", s["name"]);
        Assert.Equal("b1", s["branch"]);
        Assert.Equal("g1", s["group"]);
        Assert.Equal([("attendance", 7m), ("base", 60m), ("suggestion", 3m)],
            ((JArray)s.Body["byCategory"]!).Select(c => ((string)c["category"]!, (decimal)c["points"]!)));
        Assert.Equal([60m, 0, 7, 0, 3, 0, 0, 0, 0, 0, 0, 0], ((JArray)s.Body["byMonth"]!).Select(m => (decimal)m));
        Assert.Equal((2, 4), ((int)s.Body["inBranch"]!["rank"]!, (int)s.Body["inBranch"]!["of"]!));
        Assert.Equal((2, 3), ((int)s.Body["inGroup"]!["rank"]!, (int)s.Body["inGroup"]!["of"]!));
        Assert.Equal([("2025-01-01", 60m, 60m), ("2025-03-14", 5, 65), ("2025-03-31", 2, 67), ("2025-05-20", 3, 70)],
            ((JArray)s.Body["series"]!).Select(p => ((string)p["date"]!, (decimal)p["points"]!, (decimal)p["cumulative"]!)));
    }

    [Fact]
    public async Task a_standing_as_of_a_date_counts_what_had_happened_by_then_with_the_places_of_then()
    {
        var s = (await Api.Admin.GetJsonAsync("/api/members/a2/standing?year=2025&asOf=2025-04-30")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(67m, (decimal)s.Body["total"]!);
        Assert.Equal("2025-04-30", s["asOf"]);
        // Then: a1 72, a2 67, a4 67, a3 62.
        Assert.Equal(2, (int)s.Body["inBranch"]!["rank"]!);
    }

    [Fact]
    public async Task the_branch_ranking_shares_a_rank_between_equal_totals_and_skips_the_next()
    {
        var r = (await Api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal([("a1", 1, 74m), ("a2", 2, 70m), ("a4", 2, 70m), ("a3", 4, 64m)], Rows(r));
        Assert.Equal(4, (int)r.Body["members"]!);
        Assert.Equal("李四", (string)r.Body["rows"]![1]!["name"]!);
        Assert.Equal("Probationary", (string)r.Body["rows"]![2]!["status"]!);
    }

    [Fact]
    public async Task rankings_answer_for_every_scope_and_period()
    {
        async Task<IEnumerable<(string, int, decimal)>> Rank(string query) => Rows((await Api.Admin.GetJsonAsync($"/api/rankings?{query}")).ShouldBe(HttpStatusCode.OK));

        Assert.Equal([("a1", 1, 74m), ("a2", 2, 70m), ("a4", 2, 70m)], await Rank("scope=group&id=g1&period=2025"));
        Assert.Equal([("a1", 1, 74m), ("a2", 2, 70m), ("a4", 2, 70m), ("a3", 4, 64m)], await Rank("scope=zone&id=z1&period=2025"));
        Assert.Equal([("a1", 1, 74m), ("a2", 2, 70m), ("a4", 2, 70m), ("a3", 4, 64m), ("c1", 5, 60m)], await Rank("scope=organisation&period=2025"));
        Assert.Equal([("a1", 1, 67m), ("a2", 1, 67m), ("a4", 1, 67m), ("a3", 4, 57m)], await Rank("scope=支部&id=b1&period=2025-Q1"));
        Assert.Equal([("a1", 1, 5m), ("a3", 1, 5m), ("a2", 3, 0m), ("a4", 3, 0m)], await Rank("scope=branch&id=b1&period=2025-04"));
        Assert.Equal([("a2", 1, 3m), ("a4", 1, 3m), ("a1", 3, 0m), ("a3", 3, 0m)], await Rank("scope=branch&id=b1&from=2025-05-01&to=2025-05-31"));
    }

    [Fact]
    public async Task rankings_filter_by_status_and_category_and_page()
    {
        var probationary = (await Api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025&status=预备党员")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([("a4", 1, 70m)], Rows(probationary));
        var mobile = (await Api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025&category=流动")).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(Rows(mobile));

        var page2 = (await Api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025&page=2&pageSize=2")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([("a4", 2, 70m), ("a3", 4, 64m)], Rows(page2));
        Assert.Equal(4, (int)page2.Body["members"]!);
    }

    [Fact]
    public async Task a_members_evidence_lists_each_line_with_its_rule_its_fact_and_who_recorded_it()
    {
        var e = (await Api.Admin.GetJsonAsync("/api/members/a2/evidence?year=2025")).ShouldBe(HttpStatusCode.OK);

        var lines = ((JArray)e.Body["lines"]!).Cast<JObject>().ToList();
        // #21: the 党课 of 04-10 a2 was excused from reads as a line of 0, so the member sees why it earned nothing.
        Assert.Equal([("2025-01-01", "base", 60m), ("2025-03-14", "attend.general-meeting", 5m), ("2025-03-31", "full-attendance", 2m), ("2025-04-10", "attendance", 0m), ("2025-05-20", "suggestion", 3m)],
            lines.Select(l => ((string)l["occurredOn"]!, (string)l["rule"]!, (decimal)l["granted"]!)));
        Assert.All(lines, l => Assert.Equal("default-2025.1", (string)l["version"]!));
        var meeting = lines[1]["fact"]!;
        Assert.Equal("secretary-b1", (string)meeting["recordedBy"]!);
        Assert.Contains("党员大会", (string)meeting["summary"]!);
        Assert.Equal("noted", (string)lines[3]["change"]!);
        var assessment = lines[4]["fact"]!;
        Assert.Equal("secretary-b1", (string)assessment["recordedBy"]!);
        Assert.Equal("secretary-b1", (string)assessment["assessedBy"]!);
        Assert.Equal("改进学习制度", (string)assessment["title"]!);
        Assert.Equal(70m, (decimal)e.Body["total"]!);
        Assert.NotNull(e.Body["appraisal"]?["grade"]);
    }

    [Fact]
    public async Task a_branchs_evidence_report_holds_its_members_graded_together()
    {
        var report = (await Api.Admin.GetJsonAsync("/api/branches/b1/evidence?year=2025")).ShouldBe(HttpStatusCode.OK);

        var members = ((JArray)report.Body["members"]!).Cast<JObject>().ToList();
        Assert.Equal(BranchYear.BranchOne, members.Select(m => (string)m["member"]!));
        Assert.Equal([74m, 70m, 64m, 70m], members.Select(m => (decimal)m["total"]!));
        // a3 missed a meeting without excuse: counted, and the veto keeps them from 优秀.
        var a3 = members[2];
        Assert.Equal(1, (int)a3["standing"]!["unexcusedAbsences"]!);
        Assert.NotEqual("Excellent", (string)a3["appraisal"]!["grade"]!);
        Assert.Equal("第一党支部", report["name"]);
    }

    [Fact]
    public async Task the_dashboard_counts_meetings_against_the_cadence_and_attendance_per_meeting_and_member()
    {
        var d = (await Api.Admin.GetJsonAsync("/api/branches/b1/dashboard?year=2025&asOf=2025-06-30")).ShouldBe(HttpStatusCode.OK);

        var kinds = ((JArray)d.Body["meetings"]!).Cast<JObject>().ToDictionary(k => (string)k["kind"]!);
        Assert.Equal(1, kinds["GeneralMeeting"]["byMonth"]![2]!.Value<int>());
        Assert.Equal(["2025-Q2"], kinds["GeneralMeeting"]["missedPeriods"]!.Values<string>());
        Assert.Equal(["2025-Q1"], kinds["PartyLecture"]["missedPeriods"]!.Values<string>());
        Assert.Equal(6, kinds["BranchCommittee"]["missedPeriods"]!.Count());
        Assert.Equal([(4, 3, 0, 1, 0.75m), (4, 2, 2, 0, 0.5m)], ((JArray)d.Body["meetingAttendance"]!)
            .Select(m => ((int)m["listed"]!, (int)m["attended"]!, (int)m["excused"]!, (int)m["absent"]!, (decimal)m["rate"]!)));
        Assert.Equal([("a1", 2, 2), ("a2", 2, 1), ("a3", 2, 1), ("a4", 2, 1)], ((JArray)d.Body["memberAttendance"]!)
            .Select(m => ((string)m["member"]!, (int)m["listed"]!, (int)m["attended"]!)));
        var p = d.Body["participation"]!;
        Assert.Equal((4, 2, 2), ((int)p["members"]!, (int)p["suggestions"]!, (int)p["membersWithSuggestions"]!));
    }

    [Fact]
    public async Task warnings_name_the_members_who_stopped_attending_and_the_meetings_not_held()
    {
        var w = (await Api.Admin.GetJsonAsync("/api/branches/b1/warnings?on=2025-06-30")).ShouldBe(HttpStatusCode.OK);

        // Three months without attendance: a2 and a4 were last present on 03-14 (excused on 04-10).
        Assert.Equal([("a2", "NoAttendance", "2025-03-14"), ("a4", "NoAttendance", "2025-03-14")], ((JArray)w.Body["members"]!)
            .Select(m => ((string)m["member"]!, (string)m["kind"]!, (string)m["lastAttended"]!)));
        var branches = ((JArray)w.Body["branches"]!).Cast<JObject>().ToList();
        Assert.All(branches, b => Assert.Equal("b1", (string)b["branch"]!));
        Assert.Contains(branches, b => (string)b["kind"]! == "GeneralMeeting" && (string)b["period"]! == "2025-Q2");
        Assert.All(branches.Concat(((JArray)w.Body["members"]!).Cast<JObject>()), x =>
        {
            Assert.False(string.IsNullOrEmpty((string?)x["chinese"]));
            Assert.False(string.IsNullOrEmpty((string?)x["english"]));
        });
        var whole = (await Api.Admin.GetJsonAsync("/api/warnings?on=2025-06-30")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(((JArray)whole.Body["members"]!).Cast<JObject>(), m => (string)m["member"]! == "c1"); // b2's member never attended
    }
}

/// Every table as a CSV download: UTF-8 with BOM, Chinese headers, read back to the same figures.
[Collection(BranchYearFixture.Collection)]
public sealed class when_a_table_is_downloaded_as_csv(BranchYearFixture fixture)
{
    private ApiHost Api => fixture.Api;

    [Fact]
    public async Task the_ranking_reads_back_with_its_ranks_names_and_points()
    {
        var csv = await CsvDownload.GetAsync(Api.Admin, "/api/rankings?scope=branch&id=b1&period=2025&format=csv");

        Assert.Equal(["名次", "党员编号", "姓名", "支部", "党小组", "身份", "类别", "积分"], csv.Headers);
        Assert.Equal(["1", "2", "2", "4"], csv.Column("名次"));
        Assert.Equal(["a1", "a2", "a4", "a3"], csv.Column("党员编号"));
        Assert.Equal(["张三", "李四", "赵六", "王五"], csv.Column("姓名"));
        Assert.Equal(["74", "70", "70", "64"], csv.Column("积分"));
        Assert.Equal("预备党员", csv.Cell(2, "身份"));
        Assert.Equal("", csv.Cell(3, "党小组"));
        Assert.Contains(".csv", csv.Response.Content.Headers.ContentDisposition?.FileName ?? "");
    }

    [Fact]
    public async Task the_csv_holds_every_row_whatever_the_page_and_accept_text_csv_also_asks_for_it()
    {
        var csv = await CsvDownload.GetAsync(Api.Admin, "/api/rankings?scope=organisation&period=2025&pageSize=1", viaAccept: true);

        Assert.Equal(["a1", "a2", "a4", "a3", "c1"], csv.Column("党员编号"));
    }

    [Fact]
    public async Task the_evidence_lines_carry_the_rule_the_points_and_who_recorded_each_fact()
    {
        var csv = await CsvDownload.GetAsync(Api.Admin, "/api/members/a2/evidence?year=2025&format=csv");

        Assert.Equal(["base", "attend.general-meeting", "full-attendance", "attendance", "suggestion"], csv.Column("规则"));
        Assert.Equal(["60", "5", "2", "0", "3"], csv.Column("核定分值"));
        Assert.Equal(["记分", "记分", "记分", "记录", "记分"], csv.Column("变动"));
        Assert.Equal("secretary-b1", csv.Cell(1, "登记人"));
        Assert.Contains("请假", csv.Cell(3, "事项"));
        Assert.Equal("secretary-b1", csv.Cell(4, "评定人"));
        Assert.Contains("有价值", csv.Cell(4, "事实摘要"));
    }

    [Fact]
    public async Task the_branch_report_has_a_row_per_member_and_all_lines_on_request()
    {
        var members = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/evidence?year=2025&format=csv");
        Assert.Equal(BranchYear.BranchOne, members.Column("党员编号"));
        Assert.Equal(["74", "70", "64", "70"], members.Column("年度积分"));
        Assert.Equal(["0", "0", "1", "0"], members.Column("无故缺席"));
        // #21 finding 1: the place beside each reason is the summary's (ties share it, 1-2-2-4) and the reason prints it.
        Assert.Equal(["1", "2", "4", "2"], members.Column("支部名次"));
        for (var i = 0; i < members.Rows.Count; i++)
            Assert.Contains($"rank {members.Cell(i, "支部名次")}/4", members.Cell(i, "说明"), StringComparison.Ordinal);

        var lines = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/evidence?year=2025&format=csv&table=lines");
        // a1: base, two meetings, two quarter bonuses; the others four lines each, and a2 and a4 a line of 0 for the 党课
        // they were excused from (#21: leave reads as a line)
        Assert.Equal(5 + 5 + 4 + 5, lines.Rows.Count);
        Assert.Equal(new Dictionary<string, decimal> { ["a1"] = 74, ["a2"] = 70, ["a3"] = 64, ["a4"] = 70 },
            lines.Rows.GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.Sum(r => decimal.Parse(r[lines.Headers.ToList().IndexOf("核定分值")], System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task the_dashboard_tables_and_the_warnings_read_back()
    {
        var meetings = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/dashboard?year=2025&asOf=2025-06-30&format=csv");
        var general = meetings.Rows.Single(r => r[0] == "党员大会");
        Assert.Equal("1", general[meetings.Headers.ToList().IndexOf("3月")]);
        Assert.Equal("1", general[meetings.Headers.ToList().IndexOf("合计")]);
        Assert.Equal("2025-Q2", general[meetings.Headers.ToList().IndexOf("未达标期间")]);

        var attendance = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/dashboard?year=2025&format=csv&table=attendance");
        Assert.Equal(["2025-03-14", "2025-04-10"], attendance.Column("日期"));
        Assert.Equal(["0.75", "0.5"], attendance.Column("出勤率"));

        var members = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/dashboard?year=2025&format=csv&table=members");
        Assert.Equal(["2", "1", "1", "1"], members.Column("实到"));

        var warnings = await CsvDownload.GetAsync(Api.Admin, "/api/branches/b1/warnings?on=2025-06-30&format=csv");
        Assert.Equal(["a2", "a4"], warnings.Rows.Where(r => r[0] == "党员").Select(r => r[1]));
        Assert.Contains(warnings.Rows, r => r[0] == "支部" && r[4].Contains("党员大会", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_standing_downloads_by_month_category_or_day()
    {
        var months = await CsvDownload.GetAsync(Api.Admin, "/api/members/a2/standing?year=2025&format=csv");
        Assert.Equal(12, months.Rows.Count);
        Assert.Equal(["2025-01", "60", "60"], months.Rows[0]);
        Assert.Equal(["2025-12", "0", "70"], months.Rows[11]);

        var categories = await CsvDownload.GetAsync(Api.Admin, "/api/members/a2/standing?year=2025&format=csv&table=categories");
        Assert.Equal(["7", "60", "3"], categories.Column("积分"));
    }
}
