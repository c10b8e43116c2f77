using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Tests;

/// Member claims (申报, issue #5): pending until the branch secretary decides, scored only once accepted,
/// attachments checked by content and readable only by those who may read the claim.
public sealed class when_a_member_claims : IAsyncLifetime
{
    private const string On = "2025-06-01";
    private readonly ApiHost _api = ApiHost.OnSqlite(b => b.UseSetting("Claims:MaxAttachmentBytes", "4096"));
    private HttpClient _member = null!;
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        _member = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        _secretary = _api.Client(_api.Token(Role.Secretary, "sec-b1", ["b1"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static Dictionary<string, string> Hours(string hours = "3", string title = "社区义诊") =>
        new() { ["kind"] = "志愿服务", ["title"] = title, ["description"] = "协助量血压", ["hours"] = hours, ["occurredOn"] = On };

    private Task<MemberEvidence?> EvidenceAsync(string member) =>
        _api.Services.GetRequiredService<ReadModels>().EvidenceAsync(new MemberId(member), 2025);

    [Fact]
    public async Task three_hours_with_a_photo_are_pending_and_not_scored_until_the_secretary_accepts()
    {
        var photo = Uploads.Jpeg();
        var claim = (await _member.PostClaimAsync("/api/claims?wait=true", Hours(), [("义诊.jpg", photo)])).ShouldBe(HttpStatusCode.Created)["factId"]!;

        var pending = (await _member.GetJsonAsync($"/api/claims/{claim}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("pending", "m-01", "b1", "3"), (pending["status"], pending["member"], pending["branch"], pending["hours"]));
        Assert.Equal((Uploads.Sha256(photo), "image/jpeg", "义诊.jpg"), (pending["attachments[0].sha256"], pending["attachments[0].mediaType"], pending["attachments[0].name"]));
        Assert.Equal("m-01", pending["submittedBy"]);
        var before = (await EvidenceAsync("m-01"))!;
        Assert.DoesNotContain(before.Lines, l => l.Fact?.FactId.Value == $"{claim}-scored");

        var accepted = (await _secretary.PostJsonAsync($"/api/claims/{claim}/acceptance?wait=true", new { }, "accept-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("true", accepted["scored"]);

        var decided = (await _member.GetJsonAsync($"/api/claims/{claim}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("accepted", "sec-b1", $"{claim}-scored"), (decided["status"], decided["decidedBy"], decided["scoredFact"]));
        var after = (await EvidenceAsync("m-01"))!;
        var line = Assert.Single(after.Lines, l => l.Fact?.FactId.Value == $"{claim}-scored");
        Assert.Equal("sec-b1", line.Fact!.RecordedBy);
        Assert.True(after.Total > before.Total, $"{after.Total} after accepting, {before.Total} before");
        Assert.Contains(after.Workflow, s => s.FactId.Value == claim && s.RecordedBy == "m-01" && s.Summary.Contains("义诊"));
        Assert.Contains(after.Workflow, s => s.Kind == "V1.ClaimAccepted" && s.RecordedBy == "sec-b1");

        // The file reads back unchanged, with the hash the claim event recorded.
        var download = await _member.GetAsync($"/api/claims/{claim}/attachments/{Uploads.Sha256(photo)}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{Uploads.Sha256(photo)}\"", download.Headers.ETag?.Tag);
        Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);

        // Retried with its key: the first answer again, nothing new written.
        var head = await _api.HeadAsync();
        var retried = (await _secretary.PostJsonAsync($"/api/claims/{claim}/acceptance", new { }, "accept-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(accepted["factId"], retried["factId"]);
        Assert.True(retried.Response.Headers.Contains("Idempotent-Replayed"));
        // Decided once: another decision is a conflict that writes nothing.
        (await _secretary.PostJsonAsync($"/api/claims/{claim}/rejection", new { reason = "重复申报" })).ShouldBeProblem(HttpStatusCode.Conflict, "claim-already-decided");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task a_rejected_claim_is_never_scored()
    {
        var scan = Uploads.Png();
        var claim = (await _member.PostJsonAsync("/api/claims?wait=true", new
        {
            kind = "VolunteerService", title = "植树", description = "义务植树", hours = 4, occurredOn = On,
            attachments = new[] { new { name = "tree.png", content = Convert.ToBase64String(scan) } },
        })).ShouldBe(HttpStatusCode.Created)["factId"]!;

        (await _secretary.PostJsonAsync($"/api/claims/{claim}/rejection", new { })).ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("reason");
        (await _secretary.PostJsonAsync($"/api/claims/{claim}/rejection?wait=true", new { reason = "当天未安排植树活动" })).ShouldBe(HttpStatusCode.Created);
        var rejected = (await _member.GetJsonAsync($"/api/claims/{claim}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("rejected", "当天未安排植树活动"), (rejected["status"], rejected["reason"]));
        Assert.Null(rejected["scoredFact"]);

        (await _secretary.PostJsonAsync($"/api/claims/{claim}/acceptance", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "claim-already-decided");
        var evidence = (await EvidenceAsync("m-01"))!;
        Assert.DoesNotContain(evidence.Lines, l => l.Fact?.FactId.Value.StartsWith(claim, StringComparison.Ordinal) == true);
        Assert.Contains(evidence.Workflow, s => s.Kind == "V1.ClaimRejected" && s.Summary.Contains("当天未安排植树活动"));
    }

    [Fact]
    public async Task a_disguised_or_oversized_attachment_is_refused_by_name_and_nothing_is_written()
    {
        var head = await _api.HeadAsync();

        var disguised = (await _member.PostClaimAsync("/api/claims", Hours(), [("photo.jpg", Uploads.Executable())]))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "attachment-type");
        Assert.Contains("photo.jpg", disguised["zh"]);
        Assert.Contains("photo.jpg", disguised["en"]);
        disguised.ErrorsFor("attachments[0]");

        (await _member.PostClaimAsync("/api/claims", Hours(), [("scan.jpg", Uploads.Pdf())]))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "attachment-type-mismatch");

        var big = (await _member.PostClaimAsync("/api/claims", Hours(), [("ok.jpg", Uploads.Jpeg()), ("big.jpg", Uploads.Jpeg(5000))]))
            .ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "attachment-too-large");
        Assert.Contains("big.jpg", big["en"]);
        big.ErrorsFor("attachments[1]");

        // A null in the JSON list of attachments is named by position (it once reached the handler as a null and answered 500).
        (await _member.PostJsonAsync("/api/claims", new { kind = "志愿服务", title = "x", hours = 1, occurredOn = On,
                attachments = new object?[] { new { name = "ok.jpg", content = Convert.ToBase64String(Uploads.Jpeg()) }, null } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "attachment-null").ErrorsFor("attachments[1]");

        Assert.Equal(head, await _api.HeadAsync());
        Assert.Equal("0", (await _member.GetJsonAsync("/api/claims")).ShouldBe(HttpStatusCode.OK)["count"]);
    }

    [Fact]
    public async Task the_claimant_is_the_token_and_hours_belong_to_volunteer_claims()
    {
        // No member field exists to claim for someone else: the claimant is whoever the token names.
        (await _member.PostJsonAsync("/api/claims", new { member = "m-02", kind = "志愿服务", title = "x", hours = 1, occurredOn = On }))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        var e = (await _member.PostClaimAsync("/api/claims", new Dictionary<string, string> { ["kind"] = "志愿服务", ["title"] = "x", ["occurredOn"] = On }, []))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        e.ErrorsFor("hours");
        (await _member.PostClaimAsync("/api/claims", Hours(hours: "30"), [])).ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("hours");
        (await _secretary.PostClaimAsync("/api/claims", Hours(), [])).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_member_sees_only_their_own_claims_and_attachments()
    {
        var photo = Uploads.Jpeg(fill: 0x33);
        var claim = (await _member.PostClaimAsync("/api/claims?wait=true", Hours(title: "敬老院"), [("visit.jpg", photo)])).ShouldBe(HttpStatusCode.Created)["factId"]!;
        var sha = Uploads.Sha256(photo);

        var other = _api.Client(_api.Token(Role.Member, "m-02", member: "m-02"));
        (await other.GetJsonAsync($"/api/claims/{claim}")).ShouldBeProblem(HttpStatusCode.Forbidden, "claim-scope");
        (await other.GetJsonAsync($"/api/claims/{claim}/attachments/{sha}")).ShouldBeProblem(HttpStatusCode.Forbidden, "claim-scope");
        (await other.GetJsonAsync("/api/claims?member=m-01")).ShouldBeProblem(HttpStatusCode.Forbidden, "claim-scope");
        Assert.Equal("0", (await other.GetJsonAsync("/api/claims")).ShouldBe(HttpStatusCode.OK)["count"]);

        var otherSecretary = _api.Client(_api.Token(Role.Secretary, "sec-b2", ["b2"]));
        (await otherSecretary.GetJsonAsync($"/api/claims/{claim}/attachments/{sha}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await otherSecretary.PostJsonAsync($"/api/claims/{claim}/acceptance", new { })).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");

        var pending = (await _secretary.GetJsonAsync("/api/claims?status=pending")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(pending.Body["claims"]!, c => (string?)c["claim"] == claim);
        var appraiser = _api.Client(_api.Token(Role.Appraiser, "appraiser-1"));
        Assert.Equal(photo, await (await appraiser.GetAsync($"/api/claims/{claim}/attachments/{sha}")).Content.ReadAsByteArrayAsync());
        (await _member.GetJsonAsync($"/api/claims/{claim}/attachments/{new string('0', 64)}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}

public sealed class when_a_claim_upload_is_malformed : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task a_form_that_cannot_be_read_or_an_unknown_content_type_is_a_problem_not_a_500()
    {
        var member = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        // A part that never ends: the boundary is not closed.
        var truncated = new StringContent("--x\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n志愿");
        truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/claims") { Content = truncated };
        request.Headers.Add("Idempotency-Key", "k1");
        (await HttpExtensions.SendAsync(member, request)).ShouldBeProblem(HttpStatusCode.BadRequest, "malformed-form");
        (await member.PostRawAsync("/api/claims", "kind=志愿服务", "k2", "text/plain")).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        (await member.PostRawAsync("/api/claims", "{\"kind\":", "k3")).ShouldBeProblem(HttpStatusCode.BadRequest);
    }
}
