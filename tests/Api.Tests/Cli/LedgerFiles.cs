using System.Globalization;
using System.Text;
using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Tests.Cli;

/// Import files as a branch would keep them, generated for the tests: a roster and a year of facts in the
/// documented layout (docs/IMPORT.md). CSV is written by hand here (not by the code under test).
public static class LedgerFiles
{
    public static readonly string[] RosterHeaders = ["党员编号", "姓名", "支部", "支部名称", "党小组", "党小组名称", "身份", "类别", "日期"];
    public static readonly string[] FactHeaders = ["日期", "党员编号", "姓名", "支部", "党小组", "类型", "出勤", "形式", "等级", "数量/时长", "说明", "审核人", "评定日期", "实施日期"];

    public sealed record Member(string Id, string Name, string Branch, string Group);

    /// <paramref name="branches"/> branches of <paramref name="perBranch"/> members, three party groups each.
    public static List<Member> Members(int branches, int perBranch)
    {
        var members = new List<Member>();
        for (var b = 1; b <= branches; b++)
            for (var i = 0; i < perBranch; i++)
            {
                var n = members.Count + 1;
                members.Add(new Member($"m{n:000}", $"党员{n:000}", $"b{b:00}", $"b{b:00}-g{i % 3 + 1}"));
            }
        return members;
    }

    public static List<string[]> RosterRows(IEnumerable<Member> members) =>
    [
        .. members.Select((m, i) => new[]
        {
            m.Id, m.Name, m.Branch, $"第{m.Branch[1..]}党支部", m.Group, $"{m.Group}小组",
            i % 10 == 9 ? "预备党员" : "正式党员", i % 15 == 14 ? "流动" : i % 25 == 24 ? "离退休" : "普通", "2025-01-01",
        }),
    ];

    /// A year of facts: meetings of every kind with full attendance lists, suggestions, golden ideas,
    /// volunteer service and adjustments. About 72 rows per member.
    public static List<string[]> FactRows(IReadOnlyList<Member> members, int year = 2025)
    {
        var rows = new List<string[]>();
        string Status(int seed) => (seed % 23) switch { 0 => "缺席", 1 or 2 => "请假", 3 => "迟到", _ => "出席" };
        void Meeting(string kind, DateOnly on, string topic, IEnumerable<Member> attendees, string? group = null)
        {
            foreach (var m in attendees)
                rows.Add([D(on), m.Id, m.Name, m.Branch, group ?? "", kind, Status(on.DayNumber + int.Parse(m.Id[1..], CultureInfo.InvariantCulture)), on.Day % 2 == 0 ? "线上" : "现场", "", "", topic, "", "", ""]);
        }
        foreach (var branch in members.GroupBy(m => m.Branch))
        {
            for (var month = 1; month <= 12; month++)
            {
                Meeting("主题党日", new DateOnly(year, month, 5), $"{month}月主题党日", branch);
                Meeting("主题党日", new DateOnly(year, month, 20), $"{month}月志愿主题党日", branch);
                Meeting("支委会", new DateOnly(year, month, 8), $"{month}月支委会", branch);
                foreach (var group in branch.GroupBy(m => m.Group))
                {
                    Meeting("党小组会", new DateOnly(year, month, 12), $"{month}月小组学习", group, group.Key);
                    Meeting("党小组会", new DateOnly(year, month, 26), $"{month}月小组讨论", group, group.Key);
                }
                if (month % 3 == 0)
                {
                    Meeting("党员大会", new DateOnly(year, month, 15), $"第{month / 3}季度党员大会", branch);
                    Meeting("党课", new DateOnly(year, month, 25), $"第{month / 3}季度党课", branch);
                }
            }
            Meeting("组织生活会", new DateOnly(year, 12, 28), "年度组织生活会", branch);
        }
        string[] suggestionLevels = ["一般", "有价值", "重要价值", "采纳", ""];
        string[] ideaLevels = ["一等奖", "二等奖", "三等奖", "鼓励奖"];
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var on = new DateOnly(year, i % 12 + 1, 10);
            var level = suggestionLevels[i % suggestionLevels.Length];
            rows.Add([D(on), m.Id, m.Name, "", "", "合理化建议", "", "", level, "", $"关于改进工作的建议{i}", level == "" ? "" : "支委会", level == "" ? "" : D(on.AddDays(7)), ""]);
            if (i % 3 == 0)
                rows.Add([D(on.AddDays(3)), "", m.Name, "", "", "金点子", "", "", ideaLevels[i % 4], "", $"金点子{i}", "评审组", D(on.AddDays(20)), i % 6 == 0 ? D(on.AddMonths(2)) : ""]);
            rows.Add([D(on.AddDays(1)), m.Id, m.Name, "", "", "志愿服务", "", "", "", (1.5m + i % 4).ToString(CultureInfo.InvariantCulture), "社区志愿服务", "社区", "", ""]);
            rows.Add([D(on.AddDays(40)), m.Id, m.Name, "", "", "志愿服务", "", "", "", "2", "做24小时党员", "", "", ""]);
            if (i % 6 == 0)
                rows.Add([D(on.AddDays(2)), m.Id, m.Name, "", "", i % 12 == 0 ? "扣分" : "加分", "", "", "", "2", i % 12 == 0 ? "未按时交纳党费" : "抗洪抢险表现突出", "王书记", "", ""]);
        }
        return rows;
    }

    public static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static void WriteCsv(string path, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", headers.Select(Quote))).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    public static void WriteXlsx(string path, string sheet, IReadOnlyList<string> headers, IEnumerable<string[]> rows) =>
        Spreadsheet.Write(path, [new OutputSheet(sheet, headers, [.. rows.Select(r => (IReadOnlyList<object?>)r.Cast<object?>().ToArray())])]);

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
