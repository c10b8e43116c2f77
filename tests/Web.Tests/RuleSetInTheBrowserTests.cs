using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #20, the admin's rule set in the browser only: the rules in force on a date, a draft edited in the form with an
/// error shown beside its field, corrected, previewed against the real history (the grade changes highlighted),
/// published from a chosen date, and then in force on that date.
public sealed class the_admins_rule_set_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static the_admins_rule_set_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private const string Shots = "rules";

    /// Branch rl: three members since 2025-01-01 (base 60); a 党员大会 on 2025-03-10 with rl-m01 and rl-m02 出席 (+5,
    /// and +2 季度全勤) and rl-m03 请假: 67, 67, 60 — all 基本合格 (60–69 under the typical rules).
    private async Task<string[]> HistoryAsync()
    {
        var members = await web.Server.BranchAsync("rl", "规则支部", 3);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/branches/rl/meetings?wait=true")
        {
            Content = JsonContent.Create(new
            {
                occurredOn = "2025-03-10", kind = "党员大会", topic = "学习党章",
                attendance = members.Select((m, i) => new { member = m, status = i == 2 ? "请假" : "出席" }),
            }),
        };
        request.Headers.Add("Idempotency-Key", "rl-meeting");
        using var response = await web.Server.Admin.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await web.Server.SettledHeadAsync();
        return members;
    }

    private static async Task Shot(IPage page, string name)
    {
        Directory.CreateDirectory(Path.Combine(BrowserFixture.Screenshots, Shots));
        await BrowserFixture.ScreenshotAsync(page, Path.Combine(Shots, name));
    }

    /// What the screen shows (not the whole page), to look at the top of a long page.
    private static async Task Screen(IPage page, string name)
    {
        Directory.CreateDirectory(Path.Combine(BrowserFixture.Screenshots, Shots));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, Shots, name + ".png") });
    }

    private static async Task NoSideways(IPage page, string what) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth"),
            $"{what}: the page is {await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")} px wide at 390 px");

    [Fact]
    public async Task a_draft_with_an_error_beside_its_field_is_corrected_previewed_and_published_and_is_then_in_force_on_its_date()
    {
        var members = await HistoryAsync();
        var admin = web.Server.Token(Role.Admin, "admin-rules", name: "管理员");
        var page = await web.PageAsync();
        await web.SignInAsync(page, admin);
        await page.GotoAsync("/admin");
        await page.ClickAsync("a[data-testid=rules-page]");

        // 1. The rules in force on a date, in words.
        await page.FillAsync("#on", "2025-06-01");
        await page.ClickAsync("form[data-testid=on-form] button");
        await Expect(page.GetByTestId("in-force-version")).ToContainTextAsync("default-2025.1");
        await Expect(page.GetByTestId("in-force")).ToContainTextAsync("参加党员大会 +5：每次 5 分（党员大会；出席或迟到）");
        await Expect(page.GetByTestId("grades")).ToContainTextAsync("合格：综合得分 ≥ 70");
        await Expect(page.GetByTestId("grades")).ToContainTextAsync("不得评为「优秀」及以上");

        // 2. A draft from the rules in force; the form's points of 参加党员大会 given a word: refused beside that field.
        await page.ClickAsync("form[data-testid=start-form] button");
        await Expect(page.GetByTestId("message")).ToContainTextAsync("已以 2025-06-01 生效的");
        var points = page.Locator("form[data-testid=fields-form] input[data-path='$.rules[0].points']");
        await Expect(points).ToHaveValueAsync("5");
        await page.FillAsync("form[data-testid=fields-form] input[data-path='$.version']", "typical-2025.2");
        await points.FillAsync("八");
        await page.ClickAsync("form[data-testid=fields-form] button[type=submit]");
        var beside = page.Locator("form[data-testid=fields-form] input[data-path='$.rules[0].points'] + .field-error");
        await Expect(beside).ToContainTextAsync("必须是数字");
        await Expect(beside).ToHaveAttributeAsync("data-field", "$.rules[0].points");
        await Expect(page.Locator("[data-testid=json-problems] li[data-path='$.rules[0].points']")).ToContainTextAsync("must be a number");
        await Expect(page.Locator("form[data-testid=preview-form] button")).ToBeDisabledAsync();
        await Expect(points).ToHaveValueAsync("八");
        await Shot(page, "draft-error-desktop");
        await points.ScrollIntoViewIfNeededAsync();
        await Screen(page, "draft-error-desktop-screen");

        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await web.SignInAsync(phone, admin);
        await phone.GotoAsync("/admin/rules");
        await Expect(phone.Locator("form[data-testid=fields-form] input[data-path='$.rules[0].points'] + .field-error")).ToContainTextAsync("必须是数字");
        await NoSideways(phone, "the draft with an error");
        await Shot(phone, "draft-error-390");
        await phone.Locator("form[data-testid=fields-form] input[data-path='$.rules[0].points']").ScrollIntoViewIfNeededAsync();
        await Screen(phone, "draft-error-390-screen");

        // Corrected: 8 points for a 党员大会.
        await points.FillAsync("8");
        await page.ClickAsync("form[data-testid=fields-form] button[type=submit]");
        await Expect(page.GetByTestId("message")).ToContainTextAsync("校验通过");
        await Expect(page.Locator("#document")).ToContainTextAsync("\"points\": 8");

        // 3. Preview of 2025: rl-m01 and rl-m02 70 (合格), rl-m03 unchanged.
        await page.FillAsync("#year", "2025");
        await page.ClickAsync("form[data-testid=preview-form] button");
        await Expect(page.GetByTestId("preview-summary")).ToContainTextAsync("2 人年终等级变化");
        foreach (var m in members[..2])
        {
            var row = page.Locator($"table[data-testid=preview-members] tr[data-member='{m}']");
            await Expect(row).ToHaveClassAsync("grade-changed");
            await Expect(row).ToContainTextAsync("基本合格 → 合格");
            await Expect(row.Locator("td.num").Nth(1)).ToHaveTextAsync("70");
        }
        await Expect(page.Locator($"table[data-testid=preview-members] tr[data-member='{members[2]}']")).ToHaveAttributeAsync("data-grade-changed", "false");
        await Expect(page.Locator("table[data-testid=preview-ranking][data-scope=rl]")).ToBeVisibleAsync();
        await Shot(page, "preview-desktop");
        await Screen(page, "preview-desktop-screen");
        await phone.GotoAsync("/admin/rules?handler=Preview&year=2025");
        await Expect(phone.Locator($"table[data-testid=preview-members] tr[data-member='{members[0]}']")).ToHaveClassAsync("grade-changed");
        await NoSideways(phone, "the preview");
        await Shot(phone, "preview-390");
        await Screen(phone, "preview-390-screen");

        // 4. Published from 2025-03-01, once confirmed; the confirmation names the version and the date.
        var before = (await web.Server.StreamAsync("rules")).Count;
        await page.FillAsync("#effectiveFrom", "2025-03-01");
        await page.ClickAsync("form[data-testid=publish-form] button");
        await Expect(page.GetByTestId("confirm-text")).ToContainTextAsync("确认发布积分规则 typical-2025.2，自 2025-03-01 起生效");
        Assert.Equal(before, (await web.Server.StreamAsync("rules")).Count);
        var confirmed = await page.EvalOnSelectorAsync<Dictionary<string, string>>("form[data-testid=confirm-form]", "f => Object.fromEntries(new FormData(f))");
        await page.ClickAsync("form[data-testid=confirm-form] button");
        await Expect(page.GetByTestId("message")).ToContainTextAsync("已发布积分规则 typical-2025.2，自 2025-03-01 起生效");
        Assert.Equal(before + 1, (await web.Server.StreamAsync("rules")).Count);
        // The same confirmation sent again (a double click, a browser retry), after the draft is gone: published once.
        var again = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in confirmed) again.Set(name, value);
        var retry = await page.Context.APIRequest.PostAsync("/admin/rules?handler=Publish", new() { Form = again });
        Assert.Equal(200, retry.Status);
        Assert.Contains("只发布一次", await retry.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 1, (await web.Server.StreamAsync("rules")).Count);
        // The draft is gone with the publication.
        await Expect(page.GetByTestId("start-form")).ToBeVisibleAsync();

        // The rules-in-force page on that date shows the new version, the day before the old one.
        await page.GotoAsync("/admin/rules?on=2025-03-01");
        await Expect(page.GetByTestId("in-force-version")).ToContainTextAsync("typical-2025.2");
        await Expect(page.GetByTestId("in-force")).ToContainTextAsync("每次 8 分（党员大会");
        await Shot(page, "in-force-desktop");
        await page.GotoAsync("/admin/rules?on=2025-02-28");
        await Expect(page.GetByTestId("in-force-version")).ToContainTextAsync("default-2025.1");
        await phone.GotoAsync("/admin/rules?on=2025-03-01");
        await Expect(phone.GetByTestId("in-force-version")).ToContainTextAsync("typical-2025.2");
        await NoSideways(phone, "the rules in force");
        await Shot(phone, "in-force-390");
    }
}
