using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PrivateRag.Core.Analytics;
using PrivateRag.Core.Text;
using PrivateRag.Web.Tests.Security;

namespace PrivateRag.Web.Tests.Api;

public sealed class AnalyticsApiTests
{
    [Fact]
    public async Task An_admin_downloads_the_daily_figures_as_csv_a_user_gets_403_and_anonymous_401()
    {
        // The figures are bucketed by UTC day, from the wall clock: a run that straddles midnight is done again, on a
        // new app, instead of failing (it cannot straddle two midnights).
        for (var attempt = 1; ; attempt++)
        {
            await using var app = new PrivateRagAppFactory();
            if (await RunAsync(app) || attempt == 2) return;
        }
    }

    /// <summary>The scenario; false (before asserting on days) when the UTC day changed while it ran.</summary>
    private static async Task<bool> RunAsync(PrivateRagAppFactory factory)
    {
        var startDay = DateOnly.FromDateTime(DateTime.UtcNow);
        var admin = factory.CreateClientWithKey();
        var collection = await admin.CreateCollectionAsync("Travel", new { everyone = true });
        var uploaded = await admin.UploadAsync(collection, ("travel.txt", Encoding.UTF8.GetBytes(
            "Economy class applies to all flights shorter than six hours. Rail is preferred for journeys under five hours.")));
        Assert.Equal("indexed", (await admin.WaitForDocumentAsync(uploaded[0].GetProperty("id").GetGuid())).GetProperty("status").GetString());
        await Browser.AddUserAsync(admin, "bob", "bob-secret-password-1", "user", "staff");
        var bob = factory.CreateClientWithKey(await Browser.CreateKeyAsync(admin, "bob", userName: "bob"));
        Assert.False((await AskAsync(bob, "Which class for short flights?")).GetProperty("notFound").GetBoolean());
        Assert.True((await AskAsync(admin, "zzyzx teleporter warranty")).GetProperty("notFound").GetBoolean());

        var response = await admin.GetAsync("/api/analytics/daily.csv?days=7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (today != startDay) return false;
        Assert.Equal($"privaterag-daily-{today.AddDays(-6):yyyy-MM-dd}-to-{today:yyyy-MM-dd}.csv", response.Content.Headers.ContentDisposition?.FileName);
        var rows = CsvRecords.Parse(await response.Content.ReadAsStringAsync()).ToList();
        Assert.Equal(DailyFiguresCsv.Header.Split(','), rows[0]);
        Assert.Equal(8, rows.Count);
        var columns = rows[0];
        var last = rows[^1];
        string Cell(string name) => last[columns.IndexOf(name)];
        Assert.Equal($"{today:yyyy-MM-dd}", Cell("date"));
        Assert.Equal("2", Cell("questions"));
        Assert.Equal("2", Cell("active_users"));
        Assert.Equal("1", Cell("not_found"));
        Assert.Equal("0.5", Cell("not_found_rate"));
        Assert.Equal("1", Cell("documents_indexed"));
        Assert.Equal("1", Cell("pages_indexed"));
        Assert.True(int.Parse(Cell("latency_p95_ms"), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.All(rows.Skip(1).Take(6), r => Assert.Equal("0", r[columns.IndexOf("questions")]));

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/analytics?days=7");
        Assert.Equal(2, report.GetProperty("totals").GetProperty("questions").GetInt32());
        Assert.Equal("zzyzx teleporter warranty", report.GetProperty("unanswered")[0].GetProperty("question").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/analytics/daily.csv?days=0")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/analytics/daily.csv?days=7")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/analytics?days=7")).StatusCode);
        var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/analytics/daily.csv?days=7")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/analytics")).StatusCode);
        return true;
    }

    private static async Task<JsonElement> AskAsync(HttpClient client, string message)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message }) };
        request.Headers.Accept.ParseAdd("application/json");
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
