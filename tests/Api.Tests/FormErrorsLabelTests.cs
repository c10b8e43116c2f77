using Microsoft.AspNetCore.Html;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Tests;

/// #20 problem 4: the meeting page said 「topic 不能为空」 and 「请求有 1 处错误，见 errors」. A person reads the
/// field's own Chinese label, and the summary points at the fields, not at a JSON member.
public sealed class FormErrorsLabelTests
{
    private static ApiProblem Refused(Action<FieldErrors> add)
    {
        var e = new FieldErrors();
        add(e);
        return e.ToProblem();
    }

    private static string Html(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return System.Net.WebUtility.HtmlDecode(writer.ToString());
    }

    [Fact]
    public void problem_4_an_empty_topic_is_named_by_its_label_not_its_property()
    {
        // #20 problem 4: 「topic 不能为空」 on the meeting page.
        var errors = new FormErrors(Refused(e => e.Text("", "topic")));

        var shown = Html(errors.For("topic"));

        Assert.Contains("「主题」不能为空。", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("topic 不能为空", shown, StringComparison.Ordinal);
        Assert.Contains("must not be empty", shown, StringComparison.Ordinal); // the English line stays below
    }

    [Fact]
    public void problem_4_the_summary_does_not_send_a_person_to_errors()
    {
        // #20 problem 4: 「请求有 1 处错误，见 errors」 at the top of the page.
        var errors = new FormErrors(Refused(e => e.Text("", "topic")));

        var summary = Html(errors.Summary(["topic"]));

        Assert.DoesNotContain("errors", summary.Replace("field-error", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("有 1 处需要修改", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void a_line_of_a_list_is_named_by_its_row_and_a_page_may_label_a_field_its_own_way()
    {
        var problem = Refused(e =>
        {
            e.Id<Domain.Values.MemberId>(" bad id ", "attendance[3].member");
            e.Enum<Domain.Values.MeetingKind>("x", "kind");
        });
        var errors = new FormErrors(problem, new Dictionary<string, string> { ["kind"] = "会议类型" });

        Assert.Contains("「第 4 行的党员」必须是", Html(errors.For("attendance[3].member")), StringComparison.Ordinal);
        Assert.Contains("「会议类型」的取值“x”无效", Html(errors.For("kind")), StringComparison.Ordinal);
        Assert.Equal("出勤", new FormErrors(null).Label("status"));
    }

    [Fact]
    public void a_name_inside_an_identifier_is_left_alone()
    {
        var problem = new ApiProblem(400, "unknown-member", "x", "x",
            new Dictionary<string, IReadOnlyList<FieldError>> { ["member"] = [new FieldError("unknown-member", "党员 member-7 不存在。", "Member member-7 is not enrolled.")] });

        Assert.Contains("党员 member-7 不存在。", Html(new FormErrors(problem).For("member")), StringComparison.Ordinal);
    }
}
