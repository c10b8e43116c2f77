using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Store;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #20 公示 and 异议 in headless Chromium on a clock the test moves past the objection window: the secretary at a
/// desk publishes, a member on a 390×844 phone objects, the secretary upholds it with a correction made on the same
/// screen and makes the result final, and the member reads the final result.
public sealed class notices_in_the_browser(CheckInFixture web) : IClassFixture<CheckInFixture>
{
    static notices_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static readonly string Shots = Path.Combine(BrowserFixture.Screenshots, "notice");

    private async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name}: wider than the window");
    }

    private async Task<IPage> PhoneAsync(string member, string name)
    {
        var page = await web.PageAsync(phone: true, width: 390, height: 844);
        await web.SignInAsync(page, web.Server.Token(Role.Member, member, member: member, name: name));
        return page;
    }

    private async Task<IPage> SecretaryAsync()
    {
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-bn", ["bn"], name: "周书记"));
        return page;
    }

    private static async Task<decimal> PointsOfAsync(IPage page, string member) => decimal.Parse(
        (await page.Locator($"table[data-testid=ranking] tr[data-member='{member}'] [data-testid=points]").InnerTextAsync()).TrimEnd('*'),
        CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_notice_is_published_a_member_objects_at_390px_it_is_upheld_with_a_correction_and_finalised_and_the_member_sees_the_final_result()
    {
        // #20: publishing 公示 and raising 异议 needed curl; a member saw 「本支部尚未公示排名」 and had no way on.
        await web.Server.BranchAsync("bn", "第八党支部", 3);
        var quarter = Period.Containing(web.Clock.Today, PeriodKind.Quarter);
        var label = quarter.ToString();

        // The secretary publishes this quarter's ranking from the home page, objections until today.
        var desk = await SecretaryAsync();
        await desk.GotoAsync("/");
        await desk.ClickAsync("a[href='/branches/bn/notices']");
        await desk.SelectOptionAsync("#kind", "quarter");
        await desk.FillAsync("#year", quarter.Year.ToString(CultureInfo.InvariantCulture));
        await desk.FillAsync("#index", quarter.Index.ToString(CultureInfo.InvariantCulture));
        await desk.FillAsync("#closes", web.Clock.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await desk.ClickAsync("button:has-text('发布公示')");
        await Expect(desk.GetByTestId("recorded")).ToContainTextAsync("已发布公示");
        await Expect(desk.Locator($"[data-period='{label}'][data-stage=objections-open]")).ToBeVisibleAsync();
        await ShotAsync(desk, "published-desktop");

        // The member, on the phone: home → 公示 → the notice; an empty objection is refused beside its field.
        var phone = await PhoneAsync("bn-m02", "钱明2");
        await phone.GotoAsync("/");
        await phone.ClickAsync("a[href='/branches/bn/notices']");
        Assert.Equal(0, await phone.Locator("[data-testid=publish-form]").CountAsync());
        await ShotAsync(phone, "notices-390");
        await phone.ClickAsync($"a[data-period='{label}']");
        var published = await PointsOfAsync(phone, "bn-m02");
        await Expect(phone.Locator("tr.mine")).ToHaveAttributeAsync("data-member", "bn-m02");
        var head = await web.Server.SettledHeadAsync();
        await phone.ClickAsync("button:has-text('提交异议')");
        await Expect(phone.Locator("#objection-reason + .field-error[data-field=reason]")).ToContainTextAsync("「异议理由」不能为空");
        Assert.Equal(head, await web.Server.SettledHeadAsync());
        await phone.FillAsync("#objection-reason", "本季度主题党日我出席了，但没有计分。");
        await phone.ClickAsync("button:has-text('提交异议')");
        await Expect(phone.GetByTestId("recorded")).ToContainTextAsync("异议已提交");
        await Expect(phone.Locator("[data-objection][data-answered=false]")).ToContainTextAsync("待支部答复");
        await ShotAsync(phone, "objection-raised-390");

        // The secretary upholds it with a +2 made here; without an approver the correction is refused beside 「批准人」 and nothing is written.
        await desk.GotoAsync($"/branches/bn/notices/{label}");
        var objection = desk.Locator("[data-objection]");
        await Expect(objection).ToContainTextAsync("本季度主题党日我出席了");
        await objection.Locator("input[value=upheld]").CheckAsync();
        await objection.Locator("textarea[name=Reason]").FillAsync("经核对签到表，当日出席，补记 2 分。");
        await objection.Locator("summary").ClickAsync();
        await objection.Locator("input[name=Points]").FillAsync("2");
        head = await web.Server.SettledHeadAsync();
        await objection.Locator("button:has-text('答复')").ClickAsync();
        await Expect(desk.Locator("input[name=Approver] + .field-error[data-field=approver]")).ToContainTextAsync("「批准人」不能为空");
        await Expect(desk.Locator("textarea[name=Reason]")).ToHaveValueAsync("经核对签到表，当日出席，补记 2 分。");
        Assert.Equal(head, await web.Server.SettledHeadAsync());
        await desk.Locator("input[name=Approver]").FillAsync("支部委员会");
        await desk.Locator("button:has-text('答复')").ClickAsync();
        await Expect(desk.GetByTestId("recorded")).ToContainTextAsync("异议成立");
        await Expect(desk.Locator("[data-objection][data-answered=true] [data-testid=answer]")).ToContainTextAsync("异议成立");
        var fix = Assert.IsType<ManualAdjustment>(web.Server.Services.GetRequiredService<EventSerializer>().Deserialize(
            Assert.Single(await web.Server.StreamAsync("facts-bn-m02"))));
        Assert.Equal(2m, fix.Points.Value);
        Assert.Equal("支部委员会", fix.Approver);

        // Within the window the result cannot be made final: the page says why.
        await desk.ClickAsync("button:has-text('确定公示结果')");
        await Expect(desk.Locator(".problem[data-code=objection-window-open]")).ToBeVisibleAsync();
        await ShotAsync(desk, "answered-desktop");
        await desk.SetViewportSizeAsync(390, 844);
        await ShotAsync(desk, "answered-390");

        // A day later the window has closed: another member is told so and offered no form; the secretary makes it final.
        web.Clock.Advance(TimeSpan.FromDays(1));
        var late = await PhoneAsync("bn-m03", "孙明3");
        await late.GotoAsync($"/branches/bn/notices/{label}");
        await Expect(late.GetByTestId("objections-closed")).ToContainTextAsync("异议期已于");
        Assert.Equal(0, await late.Locator("[data-testid=object-form]").CountAsync());
        await ShotAsync(late, "window-closed-390");
        desk = await SecretaryAsync();
        await desk.GotoAsync($"/branches/bn/notices/{label}");
        await desk.ClickAsync("button:has-text('确定公示结果')");
        await Expect(desk.GetByTestId("recorded")).ToContainTextAsync("公示结果已确定");
        await Expect(desk.GetByTestId("final")).ToBeVisibleAsync();

        // The member reads the answer and the final result, their points corrected.
        phone = await PhoneAsync("bn-m02", "钱明2");
        await phone.GotoAsync("/me");
        await phone.ClickAsync("[data-testid=notices]");
        await phone.ClickAsync($"a[data-period='{label}'][data-stage=final]");
        await Expect(phone.GetByTestId("final")).ToContainTextAsync("结果已于");
        await Expect(phone.GetByTestId("answer")).ToContainTextAsync("经核对签到表");
        Assert.Equal(published + 2m, await PointsOfAsync(phone, "bn-m02"));
        await ShotAsync(phone, "final-result-390");
    }
}
