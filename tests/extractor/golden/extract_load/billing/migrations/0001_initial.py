import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Invoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('currency', models.CharField(default='EUR', max_length=3)),
                ('number', models.CharField(max_length=20)),
                ('order_id', models.BigIntegerField(db_index=True)),
            ],
            options={
                'db_table': 'billing_invoice',
                'ordering': ['number'],
                'constraints': [models.UniqueConstraint(fields=('order_id', 'number'), name='uniq_invoice_per_order')],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveIntegerField()),
                ('name', models.CharField(max_length=100)),
                ('file', models.FileField(blank=True, upload_to='attachments/')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='billing.invoice')),
            ],
            options={
                'db_table': 'billing_attachment',
            },
        ),
    ]
