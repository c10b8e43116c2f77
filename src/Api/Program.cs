using System.Text.Json.Serialization;
using PointsEngine.Api.Access;
using PointsEngine.Api.Commands;
using PointsEngine.Api.Features;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Web;
using PointsEngine.Store;

// `pointsengine [serve] [--urls http://127.0.0.1:5080] [--Store:Path data/points.db]` runs the server;
// `pointsengine init-admin --name 张三` creates the signing key if needed and prints an admin's token.
if (args.FirstOrDefault() == InitAdminCommand.Name)
    return InitAdminCommand.Run(args[1..], Console.Out, Console.Error);

var webArgs = args.SkipWhile(a => a == "serve").ToArray();
var builder = WebApplication.CreateBuilder(webArgs);
builder.Services.AddEventStore(builder.Configuration);
builder.Services.AddScoring(builder.Configuration);
builder.Services.AddReadModels(builder.Configuration);
builder.Services.AddAccessControl(builder.Configuration);
builder.Services.AddWorkflows(builder.Configuration);
builder.Services.AddOpenApi();
builder.Services.AddWebPages();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
{
    // Problems the framework writes itself (unknown route, wrong method) get the bilingual fields too.
    var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
    if (!c.ProblemDetails.Extensions.ContainsKey("zh"))
    {
        var (code, zh, en) = ProblemTitles.Generic(status);
        c.ProblemDetails.Title = ProblemTitles.For(status);
        c.ProblemDetails.Extensions["code"] = code;
        c.ProblemDetails.Extensions["zh"] = zh;
        c.ProblemDetails.Extensions["en"] = en;
    }
    c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
});
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
// Malformed JSON, wrong types and missing bodies throw, so the exception handler answers them with a
// problem document naming the field (instead of a bare 400).
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    // A misspelt field ("attendence") is an error, not silently ignored.
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.AllowTrailingCommas = false;
    // Answers carry identifiers as strings, points as numbers, enums by name.
    DomainJson.Configure(o.SerializerOptions);
});

var app = builder.Build();
// Open the store now: a wrong path or provider stops start-up with its message, not the first request.
app.Services.GetRequiredService<IEventStore>();
var key = app.Services.GetRequiredService<SigningKey>();
app.Logger.LogInformation("Bearer tokens are checked with the signing key from {Source}", key.Source);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestSizeLimit>();
app.UseAuthentication();
app.UsePageSignIn();
app.UseAuthorization();

app.MapOpenApi();
app.MapHealth();
app.MapAccess();
app.MapOrganisation();
app.MapMeetings();
app.MapSuggestions();
app.MapGoldenIdeas();
app.MapVolunteerService();
app.MapAdjustments();
app.MapRevocations();
app.MapCalendar();
app.MapRules();
app.MapRuleSimulation();
app.MapStanding();
app.MapRankings();
app.MapEvidence();
app.MapDashboard();
app.MapRazorPages();
app.MapClaims();
app.MapNotices();
app.Run();
return 0;

/// Visible to the integration tests' WebApplicationFactory.
public partial class Program;
