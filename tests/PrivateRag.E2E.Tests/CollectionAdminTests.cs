using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// The collection admin pages in a real browser: bulk upload of files and a folder, the access editor and its effect on
/// a plain user, the explain page, accessibility and layout of every admin page, and no admin content for plain users.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CollectionAdminTests(AppUnderTest app, Browser browser)
{
    private const string UserPassword = "plain user password 42";

    private void RequireApp() => Assert.True(app.StartError is null, app.StartError);

    private static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";

    private async Task<Guid> CreateCollectionAsync(string name, object access)
    {
        using var created = await app.Api.PostAsJsonAsync("/api/collections", new { name, access });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> UploadAsync(Guid collection, string fileName, byte[] bytes)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
        using var uploaded = await app.Api.PostAsync($"/api/collections/{collection}/documents", form);
        uploaded.EnsureSuccessStatusCode();
        var id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("id").GetGuid();
        var until = DateTime.UtcNow + AppUnderTest.IndexingTimeout;
        while (DateTime.UtcNow < until)
        {
            var status = (await app.Api.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("status").GetString();
            if (status == "indexed") return id;
            Assert.NotEqual("failed", status);
            await Task.Delay(250);
        }
        throw new TimeoutException($"{fileName} was not indexed.");
    }

    private async Task CreateUserAsync(string userName, params string[] groups)
    {
        using var response = await app.Api.PostAsJsonAsync("/api/users", new { userName, role = "user", groups, password = UserPassword });
        response.EnsureSuccessStatusCode();
    }

    private static async Task SignInAsAsync(IPage page, string baseUrl, string userName, string password)
    {
        await page.GotoAsync(baseUrl + "/login");
        await page.GetByTestId("login-username").FillAsync(userName);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(baseUrl + "/");
        await Pages.WaitInteractiveAsync(page);
    }

    /// <summary>The collections the signed-in browser may read, asked with its own cookie.</summary>
    private static async Task<IReadOnlyList<string>> ReadableNamesAsync(IBrowserContext context, string baseUrl)
    {
        var response = await context.APIRequest.GetAsync(baseUrl + "/api/collections");
        Assert.True(response.Ok, $"GET /api/collections: {response.Status}");
        var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
    }

    [BrowserFact]
    public async Task Choosing_files_and_a_folder_and_dropping_a_file_shows_progress_per_file_until_indexed_and_reports_the_duplicate()
    {
        RequireApp();
        var collection = await CreateCollectionAsync(Unique("Bulk"), new { everyone = true });
        var dir = Path.Combine(Path.GetTempPath(), "privaterag-e2e-bulk-" + Guid.NewGuid().ToString("N")[..8]);
        var folder = Path.Combine(dir, "policies");
        Directory.CreateDirectory(Path.Combine(folder, "travel"));
        File.WriteAllText(Path.Combine(dir, "expenses.md"), "# Expenses\n\nExpenses are claimed monthly through the portal.");
        File.WriteAllText(Path.Combine(dir, "holidays.txt"), "Every employee has 28 days of paid holiday a year.");
        File.WriteAllText(Path.Combine(folder, "security.md"), "# Security\n\nLock your screen whenever you leave your desk.");
        File.WriteAllText(Path.Combine(folder, "travel", "hotels.txt"), "Hotels are reimbursed up to 140 euros per night.");
        File.WriteAllBytes(Path.Combine(folder, "setup.exe"), [0x4D, 0x5A, 0x90, 0x00]);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await page.GotoAsync($"{app.BaseUrl}/admin/collections/{collection}");
        await Pages.WaitInteractiveAsync(page);

        // Several files, then a whole folder (with a sub-folder and a file of a type that is not supported).
        await page.GetByTestId("upload-input").SetInputFilesAsync([Path.Combine(dir, "expenses.md"), Path.Combine(dir, "holidays.txt")]);
        await page.GetByTestId("upload-folder-input").SetInputFilesAsync(folder);
        var items = page.GetByTestId("upload-item");
        await Expect(items).ToHaveCountAsync(5);
        Assert.Equal(5, await page.GetByTestId("upload-item-progress").CountAsync());
        await Expect(page.Locator("[data-testid=upload-item][data-name='policies/setup.exe']")).ToHaveAttributeAsync("data-phase", "refused");
        foreach (var name in new[] { "expenses.md", "holidays.txt", "policies/security.md", "policies/travel/hotels.txt" })
            await Expect(page.Locator($"[data-testid=upload-item][data-name='{name}']")).ToHaveAttributeAsync("data-phase", "indexed", new() { Timeout = AppUnderTest.IndexingTimeoutMs });

        // A file dropped on the drop zone: the same bytes as expenses.md, so a duplicate.
        await page.GetByTestId("drop-zone").EvaluateAsync("""
            zone => {
              const transfer = new DataTransfer();
              transfer.items.add(new File(["# Expenses\n\nExpenses are claimed monthly through the portal."], "expenses-copy.md", { type: "text/markdown" }));
              zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(items).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=upload-item][data-name='expenses-copy.md']")).ToHaveAttributeAsync("data-phase", "duplicate");
        await Expect(page.Locator("[data-testid=upload-item][data-name='expenses-copy.md']")).ToContainTextAsync("already in this collection");
        await Expect(page.GetByTestId("document-row")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-testid=document-row][data-status=indexed]")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("upload-summary")).ToContainTextAsync("5 of 5 uploaded · 4 indexed · 1 already there · 1 with problems");
        await Pages.ShotAsync(page, "admin-collection-bulk-upload");

        // The document view: chunks with their offsets.
        await page.GetByTestId("document-view").Filter(new() { HasText = "hotels.txt" }).ClickAsync();
        await Expect(page.GetByTestId("admin-document")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chunk").First.GetByTestId("chunk-offsets")).ToContainTextAsync("characters 0–");
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [BrowserFact]
    public async Task Editing_access_lets_a_plain_user_see_the_collection_and_removing_it_hides_it_again()
    {
        RequireApp();
        var name = Unique("Legal");
        var collection = await CreateCollectionAsync(name, new { groups = new[] { "legal" } });
        var user = "pat" + Guid.NewGuid().ToString("N")[..4];
        await CreateUserAsync(user, "staff");

        await using var userContext = await browser.NewContextAsync();
        var userPage = await userContext.NewPageAsync();
        userPage.SetDefaultTimeout(30_000);
        await SignInAsAsync(userPage, app.BaseUrl, user, UserPassword);
        Assert.DoesNotContain(name, await ReadableNamesAsync(userContext, app.BaseUrl));

        await using var adminContext = await browser.NewContextAsync();
        var page = await adminContext.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await page.GotoAsync(app.BaseUrl + "/admin/collections");
        await Pages.WaitInteractiveAsync(page);
        var row = page.Locator($"[data-testid=collection-row][data-collection-id='{collection}']");
        await row.GetByTestId("collection-edit").ClickAsync();
        await Expect(page.GetByTestId("edit-collection")).ToBeVisibleAsync();

        // Type part of the name: the user is suggested; pick it.
        var userBox = page.Locator("input[data-testid=access-users-input], [data-testid=access-users-input] input").First;
        await userBox.ClickAsync();
        await userBox.PressSequentiallyAsync(user[..5]);
        var suggestion = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = user });
        await Expect(suggestion).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "admin-collections-access-suggestions");
        await Expect(page.Locator("[data-testid=access-chip][data-kind=users]")).ToHaveCountAsync(0); // typing adds nothing
        await suggestion.ClickAsync();
        await Expect(page.Locator("[data-testid=access-chip][data-kind=users]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=access-chip][data-kind=users]").Filter(new() { HasText = user })).ToBeVisibleAsync();
        // A name no suggestion matches (an Entra group's object id, say) is added with Enter.
        var groupBox = page.Locator("input[data-testid=access-groups-input], [data-testid=access-groups-input] input").First;
        await groupBox.ClickAsync();
        await groupBox.PressSequentiallyAsync("0f3c2b9e-entra");
        await groupBox.PressAsync("Enter");
        await Expect(page.Locator("[data-testid=access-chip][data-kind=groups]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=access-chip][data-kind=groups]").Filter(new() { HasText = "0f3c2b9e-entra" })).ToBeVisibleAsync();
        await page.GetByTestId("collection-save").ClickAsync();
        await Expect(page.GetByTestId("collections-notice")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("collection-readers")).ToContainTextAsync(user);

        Assert.Contains(name, await ReadableNamesAsync(userContext, app.BaseUrl));
        await userPage.GotoAsync(app.BaseUrl + "/");
        await Pages.WaitInteractiveAsync(userPage);

        // Take it away again: the user no longer sees it.
        await row.GetByTestId("collection-edit").ClickAsync();
        await page.Locator("[data-testid=access-chip][data-kind=users]").Filter(new() { HasText = user }).GetByTestId("access-remove").ClickAsync();
        await page.GetByTestId("collection-save").ClickAsync();
        await Expect(row.GetByTestId("collection-readers")).Not.ToContainTextAsync(user);
        Assert.DoesNotContain(name, await ReadableNamesAsync(userContext, app.BaseUrl));
    }

    [BrowserFact]
    public async Task The_explain_page_shows_a_passage_with_its_grant_for_one_user_and_no_access_for_another()
    {
        RequireApp();
        var name = Unique("Contracts");
        var collection = await CreateCollectionAsync(name, new { groups = new[] { "lawyers" } });
        await UploadAsync(collection, "contract-rules.txt", Encoding.UTF8.GetBytes("Every supplier contract needs the countersignature of the legal department."));
        var lawyer = "lena" + Guid.NewGuid().ToString("N")[..4];
        var outsider = "otto" + Guid.NewGuid().ToString("N")[..4];
        await CreateUserAsync(lawyer, "lawyers");
        await CreateUserAsync(outsider, "sales");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await page.GotoAsync(app.BaseUrl + "/admin/explain");
        await Pages.WaitInteractiveAsync(page);

        await page.GetByTestId("explain-user").SelectOptionAsync(lawyer);
        await page.GetByTestId("explain-question").FillAsync("supplier contract countersignature");
        await page.GetByTestId("explain-run").ClickAsync();
        var visible = page.GetByTestId("explain-visible").Filter(new() { HasText = "contract-rules.txt" });
        await Expect(visible).ToBeVisibleAsync();
        await Expect(visible).ToContainTextAsync("lawyers");
        await Pages.ShotAsync(page, "admin-explain-granted");

        await page.GetByTestId("explain-user").SelectOptionAsync(outsider);
        await page.GetByTestId("explain-run").ClickAsync();
        var hidden = page.GetByTestId("explain-hidden").Filter(new() { HasText = "contract-rules.txt" });
        await Expect(hidden).ToBeVisibleAsync();
        await Expect(hidden).ToContainTextAsync("No access");
        await Expect(page.GetByTestId("explain-visible").Filter(new() { HasText = "contract-rules.txt" })).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task Every_admin_page_has_no_serious_accessibility_violation_in_light_and_dark_and_fits_a_phone()
    {
        RequireApp();
        var collection = await CreateCollectionAsync(Unique("Screens"), new { groups = new[] { "finance", "managers" }, users = new[] { "carol" } });
        var document = await UploadAsync(collection, Pages.HandbookName, Pages.Handbook);
        using (var form = new MultipartFormDataContent { { new ByteArrayContent("%PDF-1.7 broken"u8.ToArray()), "file", "a-broken-file-with-a-rather-long-name-2026.pdf" } })
            (await app.Api.PostAsync($"/api/collections/{collection}/documents", form)).EnsureSuccessStatusCode();

        var pages = new (string Name, string Path, string Ready)[]
        {
            ("admin-collections", "/admin/collections", "collections-table"),
            ("admin-collection", $"/admin/collections/{collection}", "documents-table"),
            ("admin-document", $"/admin/collections/{collection}/documents/{document}", "chunk-list"),
            ("admin-explain", "/admin/explain", "admin-explain"),
            ("admin-audit", "/admin/audit", "admin-audit"),
            ("admin-users", "/admin/users", "users-table"),
            ("admin-widget", "/admin/widget", "admin-widget"),
        };
        var problems = new List<string>();
        foreach (var (width, height, dark) in new[] { (1280, 800, false), (390, 844, true) })
        {
            await using var context = await browser.NewContextAsync(width, height);
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await Pages.SignInAsync(page, app.BaseUrl);
            if (dark)
            {
                await page.GetByTestId("theme-toggle").ClickAsync();
                await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
            }
            foreach (var (name, path, ready) in pages)
            {
                await page.GotoAsync(app.BaseUrl + path);
                await Pages.WaitInteractiveAsync(page);
                await Expect(page.GetByTestId(ready).First).ToBeAttachedAsync();
                var state = $"{name} {width}px {(dark ? "dark" : "light")}";
                problems.AddRange(await Pages.SeriousViolationsAsync(page, state));
                var overflow = await Pages.OverflowAsync(page);
                if (overflow > 0) problems.Add($"[{state}] the page is {overflow}px wider than the window");
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = Path.Combine(Artifacts.ScreenshotDirectory, $"{name}-{(width > 600 ? "desktop" : "phone")}{(dark ? "-dark" : "")}.png"),
                    FullPage = true,
                });
            }
        }
        Assert.True(problems.Count == 0, "Admin pages:\n" + string.Join("\n", problems));
    }

    public static TheoryData<string> AdminRoutes => new()
    {
        "/admin/collections",
        "/admin/collections/{collection}",
        "/admin/collections/{collection}/documents/{document}",
        "/admin/explain",
        "/admin/models",
        "/admin/analytics",
        "/admin/evaluation",
        "/admin/audit",
        "/admin/users",
        "/admin/widget",
    };

    [BrowserFact]
    public async Task The_admin_menu_reaches_every_admin_page_on_desktop_and_phone()
    {
        RequireApp();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        string[] targets = ["collections", "explain", "models", "analytics", "evaluation", "audit", "users", "widget"];
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var target in targets)
            {
                // A page still rendering its first data (the models and evaluation pages poll) can close an open menu:
                // open it again rather than fail on a detached item.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await page.GetByTestId("admin-menu").Locator("button").First.ClickAsync();
                        var item = page.GetByTestId("admin-nav-" + target);
                        await Expect(item).ToBeVisibleAsync();
                        if (target == "collections")
                        {
                            await page.WaitForTimeoutAsync(400); // the menu's opening transition
                            await Pages.ShotAsync(page, $"admin-menu-{(width > 600 ? "desktop" : "phone")}");
                        }
                        await item.ClickAsync(new() { Timeout = 5_000 });
                        break;
                    }
                    catch (Exception e) when (attempt < 3 && e is TimeoutException or PlaywrightException)
                    {
                        await page.Keyboard.PressAsync("Escape");
                    }
                }

                await page.WaitForURLAsync(app.BaseUrl + "/admin/" + target);
                await Pages.WaitInteractiveAsync(page);
            }
        }
    }

    [BrowserTheory]
    [MemberData(nameof(AdminRoutes))]
    public async Task A_plain_user_reaching_an_admin_route_gets_no_admin_content(string route)
    {
        RequireApp();
        var collection = await CreateCollectionAsync(Unique("Everyone"), new { everyone = true });
        var document = await UploadAsync(collection, "open-secret.txt", Encoding.UTF8.GetBytes("The canteen opens at eight."));
        var user = "uma" + Guid.NewGuid().ToString("N")[..4];
        await CreateUserAsync(user, "staff");
        var path = route.Replace("{collection}", collection.ToString(), StringComparison.Ordinal).Replace("{document}", document.ToString(), StringComparison.Ordinal);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await SignInAsAsync(page, app.BaseUrl, user, UserPassword);
        await page.GotoAsync(app.BaseUrl + path);

        await Expect(page.GetByTestId("no-access")).ToContainTextAsync("do not have access");
        await page.WaitForTimeoutAsync(1_000); // time for the circuit to render anything more it would
        Assert.Equal(0, await page.Locator("[data-testid^=admin-]").CountAsync());
        var html = await page.ContentAsync();
        Assert.DoesNotContain("open-secret.txt", html, StringComparison.Ordinal);
        Assert.DoesNotContain("upload-input", html, StringComparison.Ordinal);
    }
}

/// <summary>A browser theory: skipped, with the reason, when /usr/bin/chromium is absent.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (!Browser.Available) Skip = Browser.MissingReason;
    }
}
