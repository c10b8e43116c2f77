using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Domain.Facts;
using PointsEngine.Store;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #20: the workflows that needed curl, in real headless Chromium against the real server — a member
/// on a 390 px phone, the secretary at a desk.
public sealed class workflows_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static workflows_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static readonly string Shots = Path.Combine(BrowserFixture.Screenshots, "pages");

    private static async Task<IPage> PhoneAsync(BrowserFixture web)
    {
        var page = await web.PageAsync(phone: true);
        await page.SetViewportSizeAsync(390, 844);
        return page;
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name}: wider than the window");
    }

    [Fact]
    public async Task problem_3_a_party_group_meeting_lists_only_its_group_and_another_groups_member_is_refused_beside_the_line()
    {
        // #20 problem 3: the 党小组会 form listed the whole branch, all 出席; g1's meeting gave d010 (g2) +3 and +2.
        await web.Server.PostAsync("/api/branches", new { branch = "bg", name = "第五党支部", occurredOn = "2025-01-01" }, "branch-bg");
        foreach (var (group, name) in new[] { ("bg-g1", "第一党小组"), ("bg-g2", "第二党小组") })
            await web.Server.PostAsync("/api/party-groups", new { group, branch = "bg", name, occurredOn = "2025-01-01" }, $"group-{group}");
        foreach (var (member, group) in new[] { ("bg-d001", "bg-g1"), ("bg-d002", "bg-g1"), ("bg-d010", "bg-g2"), ("bg-d011", "bg-g2") })
            await web.Server.PostAsync("/api/members?wait=true", new { member, name = $"党员{member[^3..]}", branch = "bg", group, occurredOn = "2025-01-01" }, $"enrol-{member}");
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-bg", ["bg"]));

        await page.GotoAsync("/branches/bg/meetings/new");
        await page.SelectOptionAsync("#choose-group", "bg-g1");
        await page.ClickAsync("button:has-text('列出名单')");
        await Expect(page.GetByTestId("scope")).ToContainTextAsync("第一党小组");
        var listed = await page.Locator("table[data-testid=roster] tr[data-member]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.member)");
        Assert.Equal(["bg-d001", "bg-d002"], listed);
        await Expect(page.Locator("#kind")).ToHaveValueAsync("PartyGroupMeeting");
        await page.FillAsync("#topic", "党小组学习");
        await ShotAsync(page, "group-meeting-desktop");

        // A form altered to list d010 of g2 is refused next to that line, with the field's own label; nothing is written.
        var head = await web.Server.SettledHeadAsync();
        await page.EvaluateAsync("""
            () => {
              const form = document.querySelector('form[data-testid=meeting-form]');
              for (const [n, v] of [['Form.Attendance[2].Member', 'bg-d010'], ['Form.Attendance[2].Status', 'Present']]) {
                const i = document.createElement('input'); i.type = 'hidden'; i.name = n; i.value = v; form.appendChild(i);
              }
            }
            """);
        await page.ClickAsync("button:has-text('保存')");
        var error = page.Locator("tr[data-member='bg-d010'] .field-error[data-code=member-not-in-group]");
        await Expect(error).ToContainTextAsync("第二党小组");
        await Expect(error).ToContainTextAsync("第一党小组");
        await Expect(page.Locator(".problem")).Not.ToContainTextAsync("errors");
        Assert.Equal(head, await web.Server.SettledHeadAsync());

        // The group alone records; d010 of g2 gets nothing from it.
        await page.GotoAsync("/branches/bg/meetings/new?group=bg-g1");
        await page.FillAsync("#topic", "党小组学习");
        await page.ClickAsync("button:has-text('保存')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("出席 2 人");
        var fact = Assert.IsType<MeetingHeld>(web.Server.Services.GetRequiredService<EventSerializer>().Deserialize(Assert.Single(await web.Server.StreamAsync("branch-bg"))));
        Assert.Equal(["bg-d001", "bg-d002"], fact.Attendance.Select(a => a.Member.Value));
        Assert.DoesNotContain(await web.Server.StreamAsync("member-bg-d010"), e => e.Type == "V1.AttendanceRecorded");
        Assert.Contains(await web.Server.StreamAsync("member-bg-d001"), e => e.Type == "V1.AttendanceRecorded");

        // At 390 px the choice comes first and nothing scrolls sideways.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/branches/bg/meetings/new?group=bg-g2");
        Assert.Equal(2, await page.Locator("table[data-testid=roster] tr[data-member]").CountAsync());
        await ShotAsync(page, "group-meeting-390");
    }

    [Fact]
    public async Task a_member_claims_a_suggestion_with_a_photo_it_is_returned_resubmitted_accepted_and_assessed()
    {
        await web.Server.BranchAsync("bc", "第六党支部", 3);
        var secretary = await web.PageAsync();
        await web.SignInAsync(secretary, web.Server.Token(Role.Secretary, "secretary-bc", ["bc"], name: "李书记"));
        var phone = await PhoneAsync(web);
        await web.SignInAsync(phone, web.Server.Token(Role.Member, "bc-m01", member: "bc-m01", name: "赵明1"));
        var photo = await secretary.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png, Clip = new Clip { X = 0, Y = 0, Width = 320, Height = 240 } });

        // The member, on the phone: a suggestion with a photo from the camera.
        await phone.GotoAsync("/");
        await phone.ClickAsync("a[href='/claims']");
        Assert.Equal("image/*", await phone.GetAttributeAsync("#photos", "accept"));
        Assert.NotNull(await phone.GetAttributeAsync("#photos", "capture"));
        Assert.NotNull(await phone.GetAttributeAsync("#photos", "multiple"));
        await phone.SelectOptionAsync("#kind", "Suggestion");
        await phone.FillAsync("#title", "食堂增设夜班餐");
        await phone.FillAsync("#description", "夜班职工下班后没有热饭，建议食堂晚上十点供应夜宵。");
        await phone.SetInputFilesAsync("#photos", new FilePayload { Name = "canteen.png", MimeType = "image/png", Buffer = photo });
        await ShotAsync(phone, "claim-form-390");
        await phone.ClickAsync("button:has-text('提交申报')");
        await Expect(phone.GetByTestId("recorded")).ToContainTextAsync("已提交");
        var claim = phone.Locator("[data-claim][data-status=pending]");
        await Expect(claim).ToContainTextAsync("待审核");
        await Expect(claim.Locator("img")).ToHaveAttributeAsync("alt", "canteen.png");
        await ShotAsync(phone, "claim-submitted-390");

        // The secretary sees it with the photo, and returns it without a reason first: refused beside the field.
        await secretary.GotoAsync("/branches/bc/claims");
        var pending = secretary.Locator("[data-pending]");
        await Expect(pending).ToHaveCountAsync(1);
        await Expect(pending.Locator("img")).ToBeVisibleAsync();
        Assert.True(await pending.Locator("img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 320"), "the photo does not load");
        await pending.Locator("button:has-text('退回')").ClickAsync();
        await Expect(secretary.Locator(".field-error[data-field=reason]")).ToContainTextAsync("「退回理由」不能为空");
        await secretary.Locator("[data-pending] input[name=Reason]").FillAsync("请补充夜班人数和费用测算");
        await secretary.Locator("[data-pending] button:has-text('退回')").ClickAsync();
        await Expect(secretary.GetByTestId("recorded")).ToContainTextAsync("已退回");
        await ShotAsync(secretary, "claims-queue-desktop");

        // The member reads the reason and submits again.
        await phone.GotoAsync("/claims");
        await Expect(phone.GetByTestId("claim-reason")).ToContainTextAsync("请补充夜班人数和费用测算");
        await ShotAsync(phone, "claim-returned-390");
        await phone.SelectOptionAsync("#kind", "Suggestion");
        await phone.FillAsync("#title", "食堂增设夜班餐（补充测算）");
        await phone.FillAsync("#description", "夜班约 40 人，每餐成本约 12 元。");
        await phone.SetInputFilesAsync("#photos", new FilePayload { Name = "canteen-2.png", MimeType = "image/png", Buffer = photo });
        await phone.ClickAsync("button:has-text('提交申报')");
        await Expect(phone.Locator("[data-claim][data-status=pending]")).ToContainTextAsync("补充测算");

        // Accepted, it awaits assessment; assessed, the member's points change.
        await secretary.GotoAsync("/branches/bc/claims");
        await secretary.Locator("[data-pending] button:has-text('通过')").ClickAsync();
        await Expect(secretary.GetByTestId("recorded")).ToContainTextAsync("审核通过");
        await secretary.GotoAsync("/branches/bc/assessments");
        var toAssess = secretary.Locator("form[data-fact]", new() { HasText = "补充测算" });
        await toAssess.Locator("select[name=Level]").SelectOptionAsync("Adopted");
        await toAssess.Locator("button:has-text('评定')").ClickAsync();
        await Expect(secretary.GetByTestId("updated-total")).ToBeVisibleAsync();

        await phone.GotoAsync("/claims");
        await Expect(phone.Locator("[data-claim][data-status=accepted]")).ToContainTextAsync("已通过");
        await Expect(phone.Locator("[data-claim][data-status=rejected]")).ToContainTextAsync("已退回");
        await phone.GotoAsync("/me");
        await Expect(phone.Locator("body")).ToContainTextAsync("合理化建议评定为「采纳」");
        await ShotAsync(phone, "me-after-assessment-390");
    }

    [Fact]
    public async Task a_secretary_deducts_points_with_reason_and_approver_and_a_missing_approver_is_named_by_its_label()
    {
        await web.Server.BranchAsync("ba", "第七党支部", 2);
        var page = await PhoneAsync(web);
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-ba", ["ba"]));
        await page.GotoAsync("/");
        await page.ClickAsync("a[href='/branches/ba/adjustments/new']");
        var head = await web.Server.SettledHeadAsync();
        await page.SelectOptionAsync("#member", "ba-m02");
        await page.SelectOptionAsync("#direction", "deduct");
        await page.FillAsync("#points", "2");
        await page.FillAsync("#reason", "无故缺席主题党日");
        await page.ClickAsync("button:has-text('登记')");
        await Expect(page.Locator("#approver + .field-error[data-field=approver]")).ToContainTextAsync("「批准人」不能为空");
        await Expect(page.Locator("#reason")).ToHaveValueAsync("无故缺席主题党日");
        await ShotAsync(page, "adjustment-error-390");
        Assert.Equal(head, await web.Server.SettledHeadAsync());

        await page.FillAsync("#approver", "支部委员会");
        await page.ClickAsync("button:has-text('登记')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("扣 2 分");
        var fact = Assert.IsType<ManualAdjustment>(web.Server.Services.GetRequiredService<EventSerializer>().Deserialize(
            Assert.Single(await web.Server.StreamAsync("facts-ba-m02"))));
        Assert.Equal(-2m, fact.Points.Value);
        Assert.Equal("支部委员会", fact.Approver);
        await ShotAsync(page, "adjustment-recorded-390");
    }
}
