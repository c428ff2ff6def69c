using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Storage;

/// <summary>
/// Metadata: collections and their grants, documents, ingestion jobs, accounts, keys, conversations, the audit
/// log and evaluation (question sets and runs).
/// One model, one derived context per database provider so each keeps its own migrations.
/// </summary>
public abstract class PrivateRagDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Collection> Collections => Set<Collection>();
    public DbSet<CollectionGrant> CollectionGrants => Set<CollectionGrant>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentGrant> DocumentGrants => Set<DocumentGrant>();
    public DbSet<Sources.Source> Sources => Set<Sources.Source>();
    public DbSet<Sources.SourceItem> SourceItems => Set<Sources.SourceItem>();
    public DbSet<IngestionJob> IngestionJobs => Set<IngestionJob>();
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<UserGroup> UserGroups => Set<UserGroup>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SessionStamp> SessionStamps => Set<SessionStamp>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationTurn> ConversationTurns => Set<ConversationTurn>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<QuestionSet> QuestionSets => Set<QuestionSet>();
    public DbSet<EvaluationQuestion> EvaluationQuestions => Set<EvaluationQuestion>();
    public DbSet<EvaluationRun> EvaluationRuns => Set<EvaluationRun>();
    public DbSet<EvaluationRunItem> EvaluationRunItems => Set<EvaluationRunItem>();


    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Collection>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.HasIndex(c => c.Name).IsUnique();
            e.HasMany(c => c.Grants).WithOne().HasForeignKey(g => g.CollectionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CollectionGrant>(e =>
        {
            e.Property(g => g.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(g => g.Principal).HasMaxLength(256);
            e.HasIndex(g => new { g.CollectionId, g.Kind, g.Principal }).IsUnique();
        });
        b.Entity<Document>(e =>
        {
            e.Property(d => d.Name).HasMaxLength(1024);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.Property(d => d.MediaType).HasMaxLength(200);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(d => d.FailureReason).HasConversion<string>().HasMaxLength(16);
            e.Property(d => d.Stage).HasMaxLength(32);
            // The same bytes in the same collection are one document.
            e.HasIndex(d => new { d.CollectionId, d.ContentHash }).IsUnique();
            e.HasIndex(d => d.ContentHash);
            e.HasOne<Collection>().WithMany().HasForeignKey(d => d.CollectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(d => d.Grants).WithOne().HasForeignKey(g => g.DocumentId).OnDelete(DeleteBehavior.Cascade);
            // No foreign key to Sources: adding one would make SQLite rebuild the Documents table outside a
            // transaction; a source lives and dies with its collection, as its documents do.
            e.HasIndex(d => d.SourceId);
        });
        b.Entity<DocumentGrant>(e =>
        {
            e.Property(g => g.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(g => g.Principal).HasMaxLength(256);
            e.HasIndex(g => new { g.DocumentId, g.Kind, g.Principal }).IsUnique();
        });
        b.Entity<Sources.Source>(e =>
        {
            e.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Location).HasMaxLength(2000);
            e.Property(s => s.Include).HasMaxLength(4000);
            e.Property(s => s.Exclude).HasMaxLength(4000);
            e.Property(s => s.LastError).HasMaxLength(4000);
            e.Property(s => s.LeasedBy).HasMaxLength(200);
            e.HasIndex(s => s.CollectionId);
            e.HasIndex(s => s.NextRunAt);
            e.HasOne<Collection>().WithMany().HasForeignKey(s => s.CollectionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Sources.SourceItem>(e =>
        {
            e.Property(i => i.Path).HasMaxLength(2000);
            e.Property(i => i.ContentHash).HasMaxLength(64);
            e.HasIndex(i => new { i.SourceId, i.Path }).IsUnique();
            e.HasIndex(i => new { i.SourceId, i.ContentHash });
            e.HasIndex(i => i.DocumentId);
            e.HasOne<Sources.Source>().WithMany().HasForeignKey(i => i.SourceId).OnDelete(DeleteBehavior.Cascade);
            // A document deleted by hand takes its item with it: the next sync brings the file in again.
            e.HasOne<Document>().WithMany().HasForeignKey(i => i.DocumentId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<IngestionJob>(e =>
        {
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.Property(j => j.LeasedBy).HasMaxLength(200);
            e.HasIndex(j => new { j.State, j.AvailableAt });
            e.HasIndex(j => j.DocumentId);
            e.HasOne<Document>().WithMany().HasForeignKey(j => j.DocumentId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<UserAccount>(e =>
        {
            e.ToTable("Users");
            e.Property(u => u.UserName).HasMaxLength(256);
            e.HasIndex(u => u.UserName).IsUnique();
            e.Property(u => u.Role).HasMaxLength(16);
            e.HasMany(u => u.Groups).WithOne().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SessionStamp>(e =>
        {
            e.HasKey(s => s.Subject);
            e.Property(s => s.Subject).HasMaxLength(300);
        });
        b.Entity<UserGroup>(e =>
        {
            e.HasKey(g => new { g.UserId, g.Group });
            e.Property(g => g.Group).HasMaxLength(256);
        });
        b.Entity<ApiKey>(e =>
        {
            e.Property(k => k.Hash).HasMaxLength(128);
            e.HasIndex(k => k.Hash).IsUnique();
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.Role).HasMaxLength(16);
            e.HasOne<UserAccount>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Conversation>(e =>
        {
            e.Property(c => c.Owner).HasMaxLength(256);
            e.Property(c => c.Title).HasMaxLength(200);
            e.HasIndex(c => new { c.Owner, c.UpdatedAt });
            e.HasMany(c => c.Turns).WithOne().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ConversationTurn>(e =>
        {
            e.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
            e.Property(t => t.Mode).HasMaxLength(200);
            e.HasIndex(t => new { t.ConversationId, t.CreatedAt });
            // The analytics page reads the answers of a period.
            e.HasIndex(t => new { t.Role, t.CreatedAt });
        });
        b.Entity<AuditEvent>(e =>
        {
            e.ToTable("AuditLog");
            e.Property(a => a.Kind).HasMaxLength(32);
            e.Property(a => a.Subject).HasMaxLength(256);
            e.Property(a => a.Target).HasMaxLength(256);
            e.Property(a => a.CollectionIds).HasMaxLength(4000);
            e.Property(a => a.Detail).HasMaxLength(4000);
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.Kind, a.At });
            e.HasIndex(a => new { a.Subject, a.At });
        });
        ConfigureEvaluation(b);
    }

    private static void ConfigureEvaluation(ModelBuilder b)
    {
        b.Entity<QuestionSet>(e =>
        {
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(s => s.CreatedAt);
            // A set outlives its collection: its runs are history, and it can be run against another collection.
            e.HasOne<Collection>().WithMany().HasForeignKey(s => s.CollectionId).OnDelete(DeleteBehavior.SetNull);
            e.HasMany(s => s.Questions).WithOne().HasForeignKey(q => q.SetId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EvaluationQuestion>(e =>
        {
            e.Property(q => q.ExternalId).HasMaxLength(200);
            e.Property(q => q.Text).HasMaxLength(4000);
            e.Property(q => q.ExpectedSources).HasMaxLength(2000);
            e.Property(q => q.Note).HasMaxLength(2000);
            e.HasIndex(q => new { q.SetId, q.Position });
        });
        b.Entity<EvaluationRun>(e =>
        {
            e.Property(r => r.CollectionIds).HasMaxLength(4000);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.StartedBy).HasMaxLength(256);
            e.Property(r => r.Mode).HasMaxLength(200);
            e.Property(r => r.Error).HasMaxLength(4000);
            e.HasIndex(r => new { r.SetId, r.CreatedAt });
            e.HasIndex(r => r.Status);
            e.HasOne<QuestionSet>().WithMany().HasForeignKey(r => r.SetId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Items).WithOne().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EvaluationRunItem>(e =>
        {
            e.Property(i => i.Question).HasMaxLength(4000);
            e.Property(i => i.Expected).HasMaxLength(2000);
            e.Property(i => i.CitedDocuments).HasMaxLength(4000);
            e.HasIndex(i => new { i.RunId, i.Position });
        });
    }

}

/// <summary>The embedded default's store.</summary>
public sealed class SqliteStoreContext(DbContextOptions<SqliteStoreContext> options) : PrivateRagDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no ordered date type: store UTC ticks so ORDER BY and lease comparisons work in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

/// <summary>The scale-out store (timestamps as <c>timestamptz</c>).</summary>
public sealed class PostgreSqlStoreContext(DbContextOptions<PostgreSqlStoreContext> options) : PrivateRagDbContext(options);
