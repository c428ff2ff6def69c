using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

/// <summary>Every PDF and DOCX in ../shared/docs either yields text or is rejected with a specific reason.</summary>
public sealed class CorpusTests
{
    /// <summary>
    /// Files that must not run inside the test host (a hang or a stack overflow would take the run down). Each was
    /// probed in a throwaway child process with a timeout; isolating readers in a child process is a later issue.
    /// Empty today: with PdfPig 0.1.16 (MaxStackDepth) pdfpig/stackoverflow_error.pdf is rejected as Corrupt in
    /// milliseconds, and no file took longer than 6 s. Add a file here with the reason when a probe says so.
    /// </summary>
    private static readonly Dictionary<string, string> Dangerous = new(StringComparer.Ordinal);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var root = SharedData.File("docs");
        if (root is null)
        {
            data.Add("(../shared absent)");
            return data;
        }
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                     .Where(p => p.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".docx", StringComparison.OrdinalIgnoreCase))
                     .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
                     .Where(p => !Dangerous.ContainsKey(p))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(path);
        }
        return data;
    }

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void Each_file_yields_text_or_a_specific_rejection(string file)
    {
        try
        {
            var doc = Read.Shared("docs/" + file);

            Assert.NotEmpty(doc.Blocks);
            Assert.All(doc.Blocks, b =>
            {
                Assert.False(string.IsNullOrWhiteSpace(b.Text));
                Assert.InRange(b.Page, 1, Math.Max(1, doc.PageCount));
                Assert.DoesNotContain('\0', b.Text);
            });
        }
        catch (DocumentRejectedException ex)
        {
            Assert.NotEqual(PrivateRag.Core.Documents.RejectReason.None, ex.Reason);
            Assert.NotEqual(PrivateRag.Core.Documents.RejectReason.Internal, ex.Reason);
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }
}
