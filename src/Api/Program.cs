using PointsEngine.Api.Features;
using PointsEngine.Api.Hosting;
using PointsEngine.Store;

// `pointsengine serve [--urls http://127.0.0.1:5080] [--Store:Path data/points.db]`
// "serve" is the only command so far; the ledger commands (import, export, ...) join it later.
var webArgs = args.SkipWhile(a => a == "serve").ToArray();
var builder = WebApplication.CreateBuilder(webArgs);
builder.Services.AddEventStore(builder.Configuration);
builder.Services.AddProblemDetails();

var app = builder.Build();
// Open the store now: a wrong path or provider stops start-up with its message, not the first request.
app.Services.GetRequiredService<IEventStore>();
app.MapHealth();
app.Run();

/// Visible to the integration tests' WebApplicationFactory.
public partial class Program;
